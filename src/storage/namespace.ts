/**
 * A namespace: one keyspace of the store (a level sublevel, so its keys carry a `!name!` prefix on
 * disk and can never collide with another namespace's). Keys and values are bytes; getCbor/putCbor
 * add the canonical DAG-CBOR codec with strict decoding.
 */
import type { AbstractLevel, AbstractSublevel } from 'abstract-level'
import { encode, decodeStrict, type z } from '../codec/index.ts'
import { StoreError, fromLevelError } from './errors.ts'
import { prefixEnd } from './keys.ts'

export type Bytes = Uint8Array
/** The level database under a store: classic-level on disk or memory-level in tests. */
export type LevelDb = AbstractLevel<any, Bytes, Bytes>
export type LevelSublevel = AbstractSublevel<any, any, Bytes, Bytes>

/** A key range. `prefix` selects every key starting with it and cannot be combined with bounds. */
export interface Range {
  prefix?: Bytes
  gt?: Bytes
  gte?: Bytes
  lt?: Bytes
  lte?: Bytes
  /** Iterate from the highest key down. Default false. */
  reverse?: boolean
  /** At most this many entries. Default: no limit. */
  limit?: number
}

export interface WriteOptions {
  /**
   * fsync before resolving. Default false: a process crash loses nothing already written (the data is
   * in the OS), only a machine crash can lose the newest writes, and never half of one batch.
   */
  sync?: boolean
}

const NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/

export function checkNamespaceName (name: string): void {
  if (!NAME.test(name)) throw new StoreError('BAD_NAMESPACE', `namespace name ${JSON.stringify(name)} must match ${NAME.source}`)
}

/** Level range options for a Range, with `prefix` turned into [prefix, prefixEnd(prefix)). */
export function levelRange (range: Range): Record<string, unknown> {
  const { prefix, reverse, limit, ...bounds } = range
  const out: Record<string, unknown> = { reverse: reverse ?? false, limit: limit ?? -1 }
  if (prefix !== undefined) {
    if (Object.values(bounds).some((b) => b !== undefined)) {
      throw new StoreError('BAD_RANGE', 'a range with `prefix` cannot also have gt/gte/lt/lte (use prefixEnd() to build bounds)')
    }
    out.gte = prefix
    const end = prefixEnd(prefix)
    if (end !== undefined) out.lt = end
    return out
  }
  for (const [k, v] of Object.entries(bounds)) if (v !== undefined) out[k] = v
  return out
}

/** What a namespace needs from its store: the owner identity batches check, and nested lookup. */
export interface NamespaceOwner {
  namespace: (name: string) => Namespace
}

export class Namespace {
  /** Dotted path from the store root, e.g. `state.accounts`. */
  readonly name: string
  /** The store this namespace belongs to (batches check it). */
  readonly owner: NamespaceOwner
  readonly #sub: LevelSublevel
  readonly #location: string

  constructor (owner: NamespaceOwner, db: LevelDb, name: string, location: string) {
    checkNamespaceName(name)
    this.owner = owner
    this.name = name
    this.#location = location
    this.#sub = db.sublevel<Bytes, Bytes>(name, { keyEncoding: 'view', valueEncoding: 'view' })
  }

  /** The underlying sublevel, for batches committed through the root database. */
  get sublevel (): LevelSublevel {
    return this.#sub
  }

  /**
   * A nested namespace, `<this>.<name>`. It is a sibling keyspace at the root (a level sublevel of a
   * sublevel would show up inside its parent's iteration), so iterating a namespace never yields the
   * keys of its children.
   */
  namespace (name: string): Namespace {
    checkNamespaceName(name)
    return this.owner.namespace(`${this.name}.${name}`)
  }

  async get (key: Bytes): Promise<Bytes | undefined> {
    return this.#wrap(async () => await this.#sub.get(key))
  }

  async getMany (keys: Bytes[]): Promise<Array<Bytes | undefined>> {
    return this.#wrap(async () => await this.#sub.getMany(keys))
  }

  async has (key: Bytes): Promise<boolean> {
    return this.#wrap(async () => await this.#sub.has(key))
  }

  /** A single put is atomic on its own; use a store batch to write several keys together. */
  async put (key: Bytes, value: Bytes, options: WriteOptions = {}): Promise<void> {
    await this.#wrap(async () => await this.#sub.put(key, value, options as object))
  }

  async del (key: Bytes, options: WriteOptions = {}): Promise<void> {
    await this.#wrap(async () => await this.#sub.del(key, options as object))
  }

  /** Reads and strictly decodes a DAG-CBOR value; a stored value that breaks `schema` throws CodecError. */
  async getCbor<S extends z.ZodType> (key: Bytes, schema: S, maxBytes?: number): Promise<z.output<S> | undefined> {
    const bytes = await this.get(key)
    return bytes === undefined ? undefined : decodeStrict(schema, bytes, maxBytes)
  }

  async putCbor (key: Bytes, value: unknown, options: WriteOptions = {}): Promise<void> {
    await this.put(key, encode(value), options)
  }

  /** Entries in key order (or reverse), within `range`. Breaking out of the loop releases the iterator. */
  async * entries (range: Range = {}): AsyncGenerator<[Bytes, Bytes]> {
    const it = this.#sub.iterator(levelRange(range))
    try {
      for await (const entry of it) yield entry as [Bytes, Bytes]
    } catch (err) {
      throw fromLevelError(err, this.#location)
    } finally {
      await it.close()
    }
  }

  async * keys (range: Range = {}): AsyncGenerator<Bytes> {
    for await (const [key] of this.entries(range)) yield key
  }

  async * values (range: Range = {}): AsyncGenerator<Bytes> {
    for await (const [, value] of this.entries(range)) yield value
  }

  /** Deletes every key in `range` (all keys when omitted). Not atomic with other writes. */
  async clear (range: Range = {}): Promise<void> {
    await this.#wrap(async () => await this.#sub.clear(levelRange(range)))
  }

  async #wrap<T> (fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      throw fromLevelError(err, this.#location)
    }
  }
}
