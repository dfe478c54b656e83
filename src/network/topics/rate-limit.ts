/**
 * Per-peer gossip rate limit (SPEC §11: 1,000 messages / 60 s per peer): a token bucket per peer
 * holding at most `messages` tokens and refilling at `messages / windowMs`, so a peer may burst up to
 * a full window's budget and then keeps to the average rate. Only messages that reach our validation
 * count (gossipsub has already dropped duplicates by message id).
 */
export class PeerRateLimiter {
  readonly #capacity: number
  readonly #refillPerMs: number
  readonly #now: () => number
  readonly #windowMs: number
  readonly #buckets = new Map<string, { tokens: number, at: number, penalizedAt: number }>()

  constructor (opts: { messages: number, windowMs: number, now: () => number }) {
    this.#capacity = Math.max(1, opts.messages)
    this.#windowMs = Math.max(1, opts.windowMs)
    this.#refillPerMs = this.#capacity / this.#windowMs
    this.#now = opts.now
  }

  /** Takes one token for `peerId`; false when the peer is over its limit. */
  allow (peerId: string): boolean {
    const now = this.#now()
    const bucket = this.#buckets.get(peerId)
    if (bucket === undefined) {
      this.#buckets.set(peerId, { tokens: this.#capacity - 1, at: now, penalizedAt: -Infinity })
      return true
    }
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.at) * this.#refillPerMs)
    bucket.at = now
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  /**
   * True at most once per window for a peer that is over its limit: the penalty is for going over,
   * not per message dropped, so an honest relay in a burst loses a point, not its connection.
   */
  shouldPenalize (peerId: string): boolean {
    const bucket = this.#buckets.get(peerId)
    if (bucket === undefined) return false
    const now = this.#now()
    if (now - bucket.penalizedAt < this.#windowMs) return false
    bucket.penalizedAt = now
    return true
  }

  /**
   * Forgets the buckets that have refilled completely (they hold nothing a fresh bucket would not).
   * Buckets still short of tokens are kept, so a peer cannot reset its budget by reconnecting.
   */
  sweep (): void {
    const now = this.#now()
    for (const [peerId, bucket] of [...this.#buckets]) {
      if (bucket.tokens + (now - bucket.at) * this.#refillPerMs >= this.#capacity) this.#buckets.delete(peerId)
    }
  }

  clear (): void {
    this.#buckets.clear()
  }

  get size (): number {
    return this.#buckets.size
  }
}
