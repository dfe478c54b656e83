/**
 * Per-peer, per-method token buckets for inbound requests. Each request takes one token from the
 * method's request bucket and, for the block methods, as many tokens from its block bucket as blocks it
 * asks for (charged up front, whatever the responder then has). A request that finds either bucket
 * short is refused with result code 3. Buckets that refilled completely are indistinguishable from new
 * ones, so they are dropped when the table grows: memory stays bounded without a timer.
 */
import type { Method, MethodRateLimit, BucketSpec } from './constants.ts'

class TokenBucket {
  readonly #spec: BucketSpec
  #tokens: number
  #updatedAt: number

  constructor (spec: BucketSpec, now: number) {
    this.#spec = spec
    this.#tokens = spec.capacity
    this.#updatedAt = now
  }

  #refill (now: number): void {
    const elapsed = Math.max(0, now - this.#updatedAt)
    this.#tokens = Math.min(this.#spec.capacity, this.#tokens + elapsed * this.#spec.refillPerSecond / 1000)
    this.#updatedAt = now
  }

  has (n: number, now: number): boolean {
    this.#refill(now)
    return this.#tokens >= n
  }

  take (n: number): void {
    this.#tokens -= n
  }

  full (now: number): boolean {
    this.#refill(now)
    return this.#tokens >= this.#spec.capacity
  }
}

interface PeerBuckets {
  requests: TokenBucket
  blocks: TokenBucket | undefined
}

export class RateLimiter {
  readonly #limits: Record<Method, MethodRateLimit>
  readonly #now: () => number
  readonly #maxTracked: number
  readonly #buckets = new Map<string, PeerBuckets>()

  constructor (limits: Record<Method, MethodRateLimit>, now: () => number, maxTracked: number) {
    this.#limits = limits
    this.#now = now
    this.#maxTracked = maxTracked
  }

  /** Charges one request and `blocks` blocks to `peer` for `method`; false when over the limit. */
  allow (peer: string, method: Method, blocks: number): boolean {
    const now = this.#now()
    const key = `${method} ${peer}`
    let buckets = this.#buckets.get(key)
    if (buckets === undefined) {
      if (this.#buckets.size >= this.#maxTracked) this.#sweep(now)
      const limit = this.#limits[method]
      buckets = {
        requests: new TokenBucket(limit.requests, now),
        blocks: limit.blocks === undefined ? undefined : new TokenBucket(limit.blocks, now)
      }
      this.#buckets.set(key, buckets)
    }
    if (!buckets.requests.has(1, now)) return false
    buckets.requests.take(1)
    if (blocks > 0 && buckets.blocks !== undefined) {
      if (!buckets.blocks.has(blocks, now)) return false
      buckets.blocks.take(blocks)
    }
    return true
  }

  /** Entries tracked now (for tests and metrics). */
  get size (): number {
    return this.#buckets.size
  }

  #sweep (now: number): void {
    for (const [key, b] of this.#buckets) {
      if (b.requests.full(now) && (b.blocks === undefined || b.blocks.full(now))) this.#buckets.delete(key)
    }
  }
}
