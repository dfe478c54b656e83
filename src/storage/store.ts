/**
 * The node's key-value store: LevelDB (classic-level) on disk, memory-level for tests and in-process
 * simulations, with the same API. Data is split into namespaces; a batch writes to several of them
 * atomically (the ledger commits block, receipts, tx index and state in one batch).
 */
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Level } from 'level'
import { MemoryLevel } from 'memory-level'
import { StoreError, fromLevelError } from './errors.ts'
import { Namespace, type Bytes, type LevelDb } from './namespace.ts'
import { Batch } from './batch.ts'
import type { WriteOptions } from './namespace.ts'

export type StoreOptions =
  /** A LevelDB directory, created when missing. */
  | { path: string }
  /** A fresh in-memory database, gone on close. */
  | { memory: true }

export class Store {
  /** Absolute directory of the database, or `:memory:`. */
  readonly location: string
  readonly #db: LevelDb
  readonly #namespaces = new Map<string, Namespace>()
  #closed = false

  constructor (db: LevelDb, location: string) {
    this.#db = db
    this.location = location
  }

  get closed (): boolean {
    return this.#closed
  }

  /** The namespace `name` (same instance for the same name). Names are dot-separated
   * segments of [A-Za-z0-9_-]; `a.b` is the same namespace as `namespace('a').namespace('b')`. */
  namespace (name: string): Namespace {
    let ns = this.#namespaces.get(name)
    if (ns === undefined) {
      ns = new Namespace(this, this.#db, name, this.location)
      this.#namespaces.set(name, ns)
    }
    return ns
  }

  /** A new, empty batch; nothing is written until `write()`. */
  batch (): Batch {
    return new Batch(this.#db, this, this.location)
  }

  /**
   * Runs `build` on a fresh batch and writes it if `build` completes; if `build` throws or rejects,
   * the batch is discarded and nothing is written.
   */
  async write (build: (batch: Batch) => void | Promise<void>, options: WriteOptions = {}): Promise<void> {
    const batch = this.batch()
    try {
      await build(batch)
    } catch (err) {
      batch.discard()
      throw err
    }
    await batch.write(options)
  }

  /** Closes the database, waiting for pending operations. Idempotent. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#db.close()
  }
}

/** Opens (creating if needed) a store. A database already open elsewhere fails with StoreError LOCKED. */
export async function openStore (options: StoreOptions): Promise<Store> {
  if ('memory' in options) {
    const db = new MemoryLevel<Bytes, Bytes>({ keyEncoding: 'view', valueEncoding: 'view', storeEncoding: 'view' })
    await db.open()
    return new Store(db, ':memory:')
  }
  const location = resolve(options.path)
  try {
    await mkdir(location, { recursive: true, mode: 0o700 })
  } catch (err) {
    throw new StoreError('OPEN_FAILED', `cannot create database directory ${location}: ${(err as Error).message}`, { cause: err })
  }
  const db = new Level<Bytes, Bytes>(location, { keyEncoding: 'view', valueEncoding: 'view' })
  try {
    await db.open()
  } catch (err) {
    const mapped = fromLevelError(err, location)
    if (mapped instanceof StoreError && mapped.code === 'LOCKED') throw mapped
    const detail = (err as { cause?: Error }).cause?.message ?? (err as Error).message
    throw new StoreError('OPEN_FAILED', `cannot open database ${location}: ${detail}`, { cause: err })
  }
  return new Store(db, location)
}
