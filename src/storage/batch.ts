/**
 * An atomic batch across namespaces. Operations are collected in memory and handed to LevelDB in a
 * single write: LevelDB appends the whole batch to its log as one checksummed record, so after a crash
 * it is either entirely applied or entirely absent. Building a batch touches nothing on disk, so a
 * batch whose construction throws (a value that will not encode, a failed check) writes nothing.
 */
import { encode } from '../codec/index.ts'
import { StoreError, fromLevelError } from './errors.ts'
import type { Bytes, LevelDb, Namespace, WriteOptions } from './namespace.ts'

type Op =
  | { type: 'put', sublevel: Namespace['sublevel'], key: Bytes, value: Bytes }
  | { type: 'del', sublevel: Namespace['sublevel'], key: Bytes }

export class Batch {
  readonly #db: LevelDb
  readonly #owner: object
  readonly #location: string
  #ops: Op[] = []
  #done = false

  constructor (db: LevelDb, owner: object, location: string) {
    this.#db = db
    this.#owner = owner
    this.#location = location
  }

  /** Number of operations collected so far. */
  get length (): number {
    return this.#ops.length
  }

  put (ns: Namespace, key: Bytes, value: Bytes): this {
    this.#check(ns)
    this.#ops.push({ type: 'put', sublevel: ns.sublevel, key, value })
    return this
  }

  /** Encodes `value` as canonical DAG-CBOR now, so an unencodable value throws while building. */
  putCbor (ns: Namespace, key: Bytes, value: unknown): this {
    this.#check(ns)
    const bytes = encode(value)
    this.#ops.push({ type: 'put', sublevel: ns.sublevel, key, value: bytes })
    return this
  }

  del (ns: Namespace, key: Bytes): this {
    this.#check(ns)
    this.#ops.push({ type: 'del', sublevel: ns.sublevel, key })
    return this
  }

  /**
   * Adds a list of writes where `value: null` deletes (the shape of the ledger's state changes), so a
   * block's state writes join the block, receipts and index entries in the same batch.
   */
  apply (ns: Namespace, writes: Iterable<{ key: Bytes, value: Bytes | null }>): this {
    this.#check(ns)
    for (const { key, value } of writes) {
      this.#ops.push(value === null ? { type: 'del', sublevel: ns.sublevel, key } : { type: 'put', sublevel: ns.sublevel, key, value })
    }
    return this
  }

  /** Commits every operation atomically. A batch is written once; later use throws BATCH_WRITTEN. */
  async write (options: WriteOptions = {}): Promise<void> {
    this.#checkOpen()
    this.#done = true
    const ops = this.#ops
    this.#ops = []
    if (ops.length === 0) return
    try {
      await this.#db.batch(ops, options as object)
    } catch (err) {
      throw fromLevelError(err, this.#location)
    }
  }

  /** Drops the collected operations without writing. */
  discard (): void {
    this.#done = true
    this.#ops = []
  }

  #check (ns: Namespace): void {
    this.#checkOpen()
    if (ns.owner !== this.#owner) throw new StoreError('BAD_NAMESPACE', `namespace ${ns.name} belongs to another store`)
  }

  #checkOpen (): void {
    if (this.#done) throw new StoreError('BATCH_WRITTEN', 'this batch was already written or discarded')
  }
}
