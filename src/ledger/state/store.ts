/**
 * Ledger state as a key → canonical-bytes map with an authenticated root, and the overlays blocks
 * execute on. The committed state changes only through `apply(changes)`, where `changes` came from an
 * overlay's `changes()`: validation executes on an overlay and either commits it or drops it, so a
 * refused block never touches committed state (SPEC §15). `changes.writes` is exactly what the
 * storage adapter persists, in one atomic batch with the block; `LedgerState.fromEntries` loads them
 * back and reproduces the same root.
 */
import { encode, decode } from '../../codec/index.ts'
import { StateError } from '../errors.ts'
import { GenerationalMemo } from '../memo.ts'
import { StateTree, makeLeaf, pathOf, type Leaf, type TreeUpdate } from './tree.ts'

/** One write to persist: `value: null` deletes the key. */
export interface KVWrite { key: Uint8Array, value: Uint8Array | null }
/** One persisted entry. */
export interface KVEntry { key: Uint8Array, value: Uint8Array }

/** Read access to decoded state values. Values returned are frozen: build new objects to change them. */
export interface StateReader {
  read: (key: string) => unknown
}

/** Decoded non-meta values `LedgerState` keeps: two generations of this many. */
const DECODED_GENERATION = 8_192

const utf8 = new TextEncoder()
const utf8Strict = new TextDecoder('utf-8', { fatal: true })

/** Freezes plain objects and arrays in place so no caller can edit a value another one shares. */
function deepFreeze<T> (value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value
  if (value instanceof Uint8Array) return value
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return value
  Object.freeze(value)
  for (const v of Object.values(value)) deepFreeze(v)
  return value
}

export class LedgerState implements StateReader {
  #values: Map<string, Uint8Array>
  #tree: StateTree
  #version = 0
  /**
   * Decoded values (frozen, so sharing them is safe): admission reads the sender's account and
   * reputation for every transaction, and decoding them each time was ~6 % of a loaded node's CPU.
   * `meta/` values, which every transaction reads, are never evicted; the rest is bounded.
   */
  #meta = new Map<string, unknown>()
  #decoded = new GenerationalMemo<string, unknown>(DECODED_GENERATION)

  private constructor (values: Map<string, Uint8Array>, tree: StateTree) {
    this.#values = values
    this.#tree = tree
  }

  static empty (): LedgerState {
    return new LedgerState(new Map(), new StateTree())
  }

  /** Loads a state from persisted entries (any order); the root is recomputed from them. */
  static fromEntries (entries: Iterable<KVEntry | readonly [Uint8Array, Uint8Array]>): LedgerState {
    const values = new Map<string, Uint8Array>()
    const leaves: Leaf[] = []
    for (const entry of entries) {
      const [k, v] = Array.isArray(entry) ? entry as readonly [Uint8Array, Uint8Array] : [(entry as KVEntry).key, (entry as KVEntry).value]
      let key: string
      try {
        key = utf8Strict.decode(k)
      } catch {
        throw new StateError('CORRUPT_ENTRY', 'a state key is not UTF-8')
      }
      if (values.has(key)) throw new StateError('CORRUPT_ENTRY', `duplicate state key ${key}`)
      values.set(key, v)
      leaves.push(makeLeaf(key, v))
    }
    return new LedgerState(values, StateTree.fromLeaves(leaves))
  }

  /** Bumped by every `apply`; overlays remember the version they were opened on. */
  get version (): number { return this.#version }
  get size (): number { return this.#values.size }

  stateRoot (): Uint8Array {
    return this.#tree.rootHash()
  }

  /** The authenticated tree of the committed state (immutable; overlays derive new trees from it). */
  get tree (): StateTree { return this.#tree }

  /** The canonical bytes under `key`. */
  get (key: string): Uint8Array | undefined {
    return this.#values.get(key)
  }

  read (key: string): unknown {
    if (key.startsWith('meta/')) {
      if (this.#meta.has(key)) return this.#meta.get(key)
      const value = this.#decode(key)
      this.#meta.set(key, value)
      return value
    }
    const cached = this.#decoded.get(key)
    if (cached !== undefined) return cached
    const value = this.#decode(key)
    if (value !== undefined) this.#decoded.set(key, value)
    return value
  }

  #decode (key: string): unknown {
    const bytes = this.#values.get(key)
    if (bytes === undefined) return undefined
    try {
      return deepFreeze(decode(bytes))
    } catch {
      throw new StateError('CORRUPT_ENTRY', `state value under ${key} does not decode`)
    }
  }

  /** Every entry, for snapshots and for persisting a whole state (genesis). */
  * entries (): IterableIterator<KVEntry> {
    for (const [key, value] of this.#values) yield { key: utf8.encode(key), value }
  }

  /** Keys starting with `prefix`, sorted. Linear in the state size: for queries, not for execution. */
  keysWithPrefix (prefix: string): string[] {
    const out: string[] = []
    for (const key of this.#values.keys()) if (key.startsWith(prefix)) out.push(key)
    return out.sort()
  }

  /** A scratch view on top of this state; nothing it writes is visible here until `apply`. */
  overlay (): StateOverlay {
    return new StateOverlay(this, this)
  }

  /** Commits changes computed on an overlay of this very version of the state. */
  apply (changes: StateChanges): void {
    if (changes.baseVersion !== this.#version || changes.base !== this) {
      throw new StateError('STALE_CHANGES', `changes were computed on version ${changes.baseVersion}, state is at ${this.#version}`)
    }
    for (const [key, value] of changes.entries) {
      if (value === null) this.#values.delete(key)
      else this.#values.set(key, value)
      this.#meta.delete(key)
      this.#decoded.delete(key)
    }
    this.#tree = changes.tree
    this.#version++
  }
}

/** The outcome of an overlay: new root, the tree behind it, and the writes to persist. */
export class StateChanges {
  readonly base: LedgerState
  readonly baseVersion: number
  /** Sorted by key; only keys whose bytes actually change. */
  readonly entries: ReadonlyArray<readonly [string, Uint8Array | null]>
  readonly tree: StateTree

  constructor (base: LedgerState, entries: Array<readonly [string, Uint8Array | null]>, tree: StateTree) {
    this.base = base
    this.baseVersion = base.version
    this.entries = entries
    this.tree = tree
  }

  get stateRoot (): Uint8Array { return this.tree.rootHash() }

  /** What the storage adapter persists with the block, in one atomic batch. */
  get writes (): KVWrite[] {
    return this.entries.map(([key, value]) => ({ key: utf8.encode(key), value }))
  }
}

/**
 * Buffered writes over a LedgerState or another overlay. A child overlay isolates one transaction:
 * `mergeIntoParent()` keeps its writes, dropping it discards them — a transaction is never half-applied.
 */
export class StateOverlay implements StateReader {
  readonly base: LedgerState
  readonly parent: LedgerState | StateOverlay
  #writes = new Map<string, unknown>()
  #cache = new Map<string, unknown>()
  #baseVersion: number

  constructor (base: LedgerState, parent: LedgerState | StateOverlay) {
    this.base = base
    this.parent = parent
    this.#baseVersion = base.version
  }

  read (key: string): unknown {
    if (this.#writes.has(key)) {
      const v = this.#writes.get(key)
      return v === null ? undefined : v
    }
    if (this.#cache.has(key)) return this.#cache.get(key)
    const v = this.parent.read(key)
    this.#cache.set(key, v)
    return v
  }

  /** Buffers a value (frozen from now on) or a deletion (`null`). */
  write (key: string, value: unknown): void {
    this.#writes.set(key, deepFreeze(value))
  }

  child (): StateOverlay {
    return new StateOverlay(this.base, this)
  }

  mergeIntoParent (): void {
    if (!(this.parent instanceof StateOverlay)) throw new Error('only a child overlay merges into a parent')
    for (const [key, value] of this.#writes) this.parent.write(key, value)
    this.#writes.clear()
  }

  /** Encodes the writes, drops no-ops and computes the new tree; the base state is untouched. */
  changes (): StateChanges {
    if (this.parent !== this.base) throw new Error('changes() is for an overlay opened directly on the state')
    if (this.base.version !== this.#baseVersion) {
      throw new StateError('STALE_CHANGES', 'the state changed since this overlay was opened')
    }
    const entries: Array<readonly [string, Uint8Array | null]> = []
    const updates: TreeUpdate[] = []
    for (const key of [...this.#writes.keys()].sort()) {
      const value = this.#writes.get(key)
      const old = this.base.get(key)
      if (value === null || value === undefined) {
        if (old === undefined) continue
        entries.push([key, null])
        updates.push({ path: pathOf(key), leaf: null })
        continue
      }
      const bytes = encode(value)
      if (old !== undefined && Buffer.compare(old, bytes) === 0) continue
      entries.push([key, bytes])
      const leaf = makeLeaf(key, bytes)
      updates.push({ path: leaf.path, leaf })
    }
    return new StateChanges(this.base, entries, this.base.tree.apply(updates))
  }
}
