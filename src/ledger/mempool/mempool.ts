/**
 * The pool: indexes by id and by sender, byte accounting, and the add / reap / update cycle. The pool's
 * view of the ledger (account nonces, checkTx) advances only through `update`, which the node calls
 * once a block is final, so nothing is forgotten or considered done before finality (SPEC §15).
 */
import { admitNonce, validateInput, type SenderLimits } from './admission.ts'
import {
  DEFAULT_MAX_BYTES, DEFAULT_MAX_NONCE_GAP, DEFAULT_MAX_PER_SENDER, DEFAULT_MAX_QUEUED_PER_SENDER, DEFAULT_MAX_TXS
} from './constants.ts'
import { MempoolError, TxRejectedError } from './errors.ts'
import { planEviction, syncTail } from './eviction.ts'
import { KeyedHeap } from './heap.ts'
import { evictsBefore } from './order.ts'
import { reap } from './reap.ts'
import { SenderQueue } from './sender-queue.ts'
import type {
  AddResult, BlockUpdate, LedgerView, Mempool, MempoolComponents, MempoolEntry, MempoolInit, MempoolTx, ReapLimits,
  UpdateResult
} from './types.ts'

interface MempoolConfig extends SenderLimits {
  maxTxs: number
  maxBytes: number
}

/** `mempool<Tx>(init)({ check, accountNonce })` builds an empty pool. */
export function mempool<T> (init: MempoolInit = {}): (components: MempoolComponents<T>) => Mempool<T> {
  const config: MempoolConfig = {
    maxTxs: bound('maxTxs', init.maxTxs ?? DEFAULT_MAX_TXS, 1),
    maxBytes: bound('maxBytes', init.maxBytes ?? DEFAULT_MAX_BYTES, 1),
    maxPerSender: bound('maxPerSender', init.maxPerSender ?? DEFAULT_MAX_PER_SENDER, 1),
    maxQueuedPerSender: bound('maxQueuedPerSender', init.maxQueuedPerSender ?? DEFAULT_MAX_QUEUED_PER_SENDER, 0),
    maxNonceGap: bound('maxNonceGap', init.maxNonceGap ?? DEFAULT_MAX_NONCE_GAP, 0)
  }
  return (components) => new DefaultMempool<T>(config, components)
}

function bound (field: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new MempoolError('INVALID_CONFIG', `must be a safe integer ≥ ${min}`, field)
  }
  return value
}

class DefaultMempool<T> implements Mempool<T> {
  readonly #config: MempoolConfig
  #view: LedgerView<T>
  readonly #byId = new Map<string, MempoolEntry<T>>()
  readonly #senders = new Map<string, SenderQueue<T>>()
  /** Every sender's tail, worst (next to evict) on top. */
  readonly #tails = new KeyedHeap<string, MempoolEntry<T>>(evictsBefore)
  #bytes = 0
  #arrivals = 0

  constructor (config: MempoolConfig, view: LedgerView<T>) {
    this.#config = config
    this.#view = { check: view.check, accountNonce: view.accountNonce }
  }

  get size (): number {
    return this.#byId.size
  }

  get bytes (): number {
    return this.#bytes
  }

  closedTo (priority: number, size: number): boolean {
    const full = this.#byId.size >= this.#config.maxTxs || this.#bytes + size > this.#config.maxBytes
    if (!full) return false
    const worst = this.#tails.peek()
    return worst === undefined || worst.value.priority >= priority
  }

  has (id: string): boolean {
    return this.#byId.has(id)
  }

  get (id: string): MempoolEntry<T> | undefined {
    return this.#byId.get(id)
  }

  pending (from: string): Array<MempoolEntry<T>> {
    return [...(this.#senders.get(from)?.entries ?? [])]
  }

  nextNonce (from: string): number {
    return this.#senders.get(from)?.nextNonce() ?? this.#view.accountNonce(from)
  }

  /** Entries in arrival order (a replacement counts as a new arrival). */
  [Symbol.iterator] (): Iterator<MempoolEntry<T>> {
    return this.#byId.values()
  }

  add (input: MempoolTx<T>, opts: { checked?: boolean } = {}): AddResult<T> {
    validateInput(input)
    if (this.#byId.has(input.id)) throw new MempoolError('ALREADY_KNOWN', `transaction ${input.id} is already held`)
    if (input.size > this.#config.maxBytes) {
      throw new MempoolError('TX_TOO_LARGE', `${input.size} bytes exceeds the pool's ${this.#config.maxBytes}`)
    }
    const queue = this.#senders.get(input.from) ?? new SenderQueue<T>(input.from, this.#view.accountNonce(input.from))
    const replaced = admitNonce(queue, input, this.#config)
    // The pool never admits what the ledger refuses.
    const failure = opts.checked === true ? undefined : this.#view.check(input.tx)
    if (failure !== undefined) throw new TxRejectedError(failure.code, failure.message)

    const entry: MempoolEntry<T> = Object.freeze({
      id: input.id, from: input.from, nonce: input.nonce, priority: input.priority, size: input.size,
      tx: input.tx, arrival: this.#arrivals
    })
    const evicted = planEviction(this.#senders, this.#tails, entry, {
      txs: this.#byId.size + (replaced === undefined ? 1 : 0) - this.#config.maxTxs,
      bytes: this.#bytes - (replaced?.size ?? 0) + entry.size - this.#config.maxBytes
    })

    // Admitted: from here on nothing throws.
    this.#arrivals += 1
    for (const victim of evicted) this.#remove(victim)
    const old = queue.insert(entry)
    if (old !== undefined) this.#forget(old)
    if (!this.#senders.has(input.from)) this.#senders.set(input.from, queue)
    this.#byId.set(entry.id, entry)
    this.#bytes += entry.size
    syncTail(this.#tails, input.from, queue)
    return replaced === undefined ? { entry, evicted } : { entry, replaced, evicted }
  }

  reap (limits: ReapLimits = {}): Array<MempoolEntry<T>> {
    return reap(this.#senders.values(), limits)
  }

  update (committed: BlockUpdate, view: Partial<LedgerView<T>> = {}): UpdateResult<T> {
    this.#view = { check: view.check ?? this.#view.check, accountNonce: view.accountNonce ?? this.#view.accountNonce }
    const { check, accountNonce } = this.#view
    const nextBefore = new Map<string, number>()
    for (const [from, queue] of this.#senders) nextBefore.set(from, queue.nextNonce())

    const result: UpdateResult<T> = { committed: [], dropped: [], promoted: [] }
    for (const id of committed.ids) {
      const entry = this.#byId.get(id)
      if (entry === undefined) continue
      this.#remove(entry)
      result.committed.push(entry)
    }

    // Snapshot: queues that empty out are deleted from the map while we walk.
    for (const queue of [...this.#senders.values()]) {
      const drop = (entry: MempoolEntry<T>, code: string): void => {
        this.#forget(entry)
        result.dropped.push({ entry, code })
      }
      queue.base = accountNonce(queue.from)
      for (const entry of queue.removeBelow(queue.base)) drop(entry, 'NONCE_TOO_LOW')
      // Mana and balances moved with the block: what passed before may not pass now.
      const recheck = committed.recheck === undefined || committed.recheck.has(queue.from)
      for (const entry of recheck ? [...queue.entries] : []) {
        const failure = check(entry.tx)
        if (failure === undefined) continue
        queue.remove(entry.nonce)
        drop(entry, failure.code)
      }
      // A refused entry opens a hole and demotes those after it; the queued quota still holds.
      const keep = queue.executableCount() + this.#config.maxQueuedPerSender
      for (const entry of queue.truncate(keep)) drop(entry, 'SENDER_QUEUE_FULL')

      const before = nextBefore.get(queue.from) ?? queue.base
      const after = queue.nextNonce()
      for (const entry of queue.entries) {
        if (entry.nonce >= after) break
        if (entry.nonce >= before) result.promoted.push(entry)
      }
      this.#syncSender(queue)
    }
    return result
  }

  /** Removes a held entry from every index. */
  #remove (entry: MempoolEntry<T>): void {
    const queue = this.#senders.get(entry.from)
    queue?.remove(entry.nonce)
    this.#forget(entry)
    if (queue !== undefined) this.#syncSender(queue)
  }

  /** Drops an entry already taken out of its sender queue from the id index and byte count. */
  #forget (entry: MempoolEntry<T>): void {
    this.#byId.delete(entry.id)
    this.#bytes -= entry.size
  }

  #syncSender (queue: SenderQueue<T>): void {
    if (queue.length === 0) {
      this.#senders.delete(queue.from)
      this.#tails.delete(queue.from)
    } else {
      syncTail(this.#tails, queue.from, queue)
    }
  }
}
