/**
 * One sender's held transactions, sorted by nonce. The leading entries whose nonces run consecutively
 * from the account nonce (`base`) form the executable run; whatever follows the first hole is queued
 * until the hole is filled or the account nonce catches up. Executability is derived, never stored, so
 * "promotion" is nothing more than `base` moving or a hole being filled.
 *
 * Operations are O(log k) to find and O(k) to shift, k = this sender's entries (bounded by maxPerSender).
 */
import type { MempoolEntry } from './types.ts'

export class SenderQueue<T> {
  readonly from: string
  /** The account nonce as of the last final block the pool learnt of. */
  base: number
  readonly #entries: Array<MempoolEntry<T>> = []

  constructor (from: string, base: number) {
    this.from = from
    this.base = base
  }

  get length (): number {
    return this.#entries.length
  }

  /** Entries in nonce order. The array is the queue's own: do not mutate. */
  get entries (): ReadonlyArray<MempoolEntry<T>> {
    return this.#entries
  }

  at (index: number): MempoolEntry<T> | undefined {
    return this.#entries[index]
  }

  get (nonce: number): MempoolEntry<T> | undefined {
    const e = this.#entries[this.#lowerBound(nonce)]
    return e?.nonce === nonce ? e : undefined
  }

  /** The highest-nonce entry: the only one that can be evicted without opening a hole. */
  tail (): MempoolEntry<T> | undefined {
    return this.#entries[this.#entries.length - 1]
  }

  /** The entry with the largest nonce below `nonce`. */
  before (nonce: number): MempoolEntry<T> | undefined {
    return this.#entries[this.#lowerBound(nonce) - 1]
  }

  /** Length of the executable run: entries with nonces base, base+1, … without a hole. */
  executableCount (): number {
    let i = 0
    while (i < this.#entries.length && this.#entries[i]!.nonce === this.base + i) i++
    return i
  }

  queuedCount (): number {
    return this.#entries.length - this.executableCount()
  }

  /** The nonce that would extend the executable run. */
  nextNonce (): number {
    return this.base + this.executableCount()
  }

  /** Inserts `entry`, returning the entry with the same nonce it replaced, if any. */
  insert (entry: MempoolEntry<T>): MempoolEntry<T> | undefined {
    const i = this.#lowerBound(entry.nonce)
    const existing = this.#entries[i]
    if (existing?.nonce === entry.nonce) {
      this.#entries[i] = entry
      return existing
    }
    this.#entries.splice(i, 0, entry)
    return undefined
  }

  remove (nonce: number): MempoolEntry<T> | undefined {
    const i = this.#lowerBound(nonce)
    if (this.#entries[i]?.nonce !== nonce) return undefined
    return this.#entries.splice(i, 1)[0]
  }

  /** Removes and returns every entry with a nonce below `nonce` (already used on chain). */
  removeBelow (nonce: number): Array<MempoolEntry<T>> {
    return this.#entries.splice(0, this.#lowerBound(nonce))
  }

  /** Removes and returns the entries past the first `keep`, highest nonce first. */
  truncate (keep: number): Array<MempoolEntry<T>> {
    return this.#entries.splice(keep).reverse()
  }

  /** First index whose nonce is ≥ `nonce`. */
  #lowerBound (nonce: number): number {
    let lo = 0
    let hi = this.#entries.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.#entries[mid]!.nonce < nonce) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
