/**
 * Storage: the node's typed key-value store on LevelDB (memory-level in tests).
 *
 * - `openStore({path})` / `openStore({memory: true})` → `Store`; `store.close()`.
 * - `store.namespace(name)` → `Namespace`: an isolated keyspace (a level sublevel) with byte keys and
 *   values, `get/getMany/has/put/del`, DAG-CBOR `getCbor(key, schema)/putCbor`, ordered iteration
 *   `entries/keys/values({prefix} | {gt,gte,lt,lte}, reverse, limit)` and nested namespaces.
 * - `store.batch()` / `store.write(build)` → `Batch`: `put/putCbor/del/apply(ns, [{key, value|null}])`
 *   across namespaces, committed in one LevelDB write. LevelDB logs a batch as a single checksummed
 *   record, so a crash leaves all of it or none of it; a batch whose build throws writes nothing.
 * - Key helpers: `u64Key` (big-endian, so numeric order is key order), `textKey`, `joinKey`,
 *   `prefixEnd`, `compareKeys`.
 *
 * A node keeps its database in `<home>/db`. Only one process can hold it (StoreError LOCKED). The node
 * reserves the `meta` namespace (it records the network id there).
 */
export { openStore, Store, type StoreOptions } from './store.ts'
export { Namespace, type Range, type WriteOptions, type Bytes } from './namespace.ts'
export { Batch } from './batch.ts'
export { u64Key, readU64Key, textKey, joinKey, prefixEnd, compareKeys } from './keys.ts'
export { StoreError, type StoreErrorCode } from './errors.ts'
