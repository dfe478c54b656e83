/**
 * Bounded queues between gossipsub and validation (STYLE 10, after Lodestar's gossipQueues): every
 * message gossipsub hands us waits in its topic's queue until the validation worker takes it, so a
 * flood costs a bounded amount of memory and never an unbounded amount of work per turn of the event
 * loop. One table declares each topic's length, order and drop policy.
 */
import type { GossipTopic } from './constants.ts'

export interface QueueSpec {
  /** Messages waiting at most; the next one triggers the drop policy. */
  maxLength: number
  /** `fifo` serves the oldest first; `lifo` the newest (the most relevant when consensus moves on). */
  order: 'fifo' | 'lifo'
  /** When full, drop the arriving message (`newest`) or the one that waited longest (`oldest`). */
  drop: 'newest' | 'oldest'
}

/**
 * - proposal: a handful per round; each may carry a 1 MiB block, so few are held (32 MiB at worst).
 *   Newest first, oldest dropped: a later round's proposal matters more than an old one's.
 * - vote: up to 2 per validator per round; 4096 holds several rounds of a 100-validator set. Newest
 *   first, oldest dropped (as Lodestar does for attestations): stale votes are the cheapest loss, and
 *   the engine re-broadcasts what it still needs.
 * - evidence: rare and small; kept in arrival order, and when full the newcomer waits for a re-send.
 * - tx: batches of up to 256 transactions / 64 KiB, so 512 hold ~130,000 transactions (32 MiB at
 *   worst). In arrival order (a sender's nonces arrive in order); when full the newcomer is dropped
 *   so a flood cannot push out transactions that were already waiting.
 */
export const GOSSIP_QUEUES: Readonly<Record<GossipTopic, QueueSpec>> = {
  proposal: { maxLength: 32, order: 'lifo', drop: 'oldest' },
  vote: { maxLength: 4096, order: 'lifo', drop: 'oldest' },
  evidence: { maxLength: 256, order: 'fifo', drop: 'newest' },
  tx: { maxLength: 512, order: 'fifo', drop: 'newest' }
}

/** A bounded double-ended queue on a ring buffer: O(1) at both ends. */
export class BoundedQueue<T> {
  readonly spec: QueueSpec
  #items: Array<T | undefined>
  #head = 0
  #length = 0

  constructor (spec: QueueSpec) {
    if (!(spec.maxLength >= 1)) throw new RangeError(`queue maxLength must be at least 1, got ${spec.maxLength}`)
    this.spec = spec
    this.#items = new Array<T | undefined>(spec.maxLength)
  }

  get length (): number {
    return this.#length
  }

  /** Adds `item`; returns the item dropped to make room (the arriving one itself under `newest`), if any. */
  push (item: T): T | undefined {
    let dropped: T | undefined
    if (this.#length === this.spec.maxLength) {
      if (this.spec.drop === 'newest') return item
      dropped = this.#takeFront()
    }
    this.#items[(this.#head + this.#length) % this.spec.maxLength] = item
    this.#length++
    return dropped
  }

  /** The next item to serve under the queue's order. */
  take (): T | undefined {
    if (this.#length === 0) return undefined
    return this.spec.order === 'fifo' ? this.#takeFront() : this.#takeBack()
  }

  /** Empties the queue, returning what was in it. */
  drain (): T[] {
    const out: T[] = []
    for (let item = this.#takeFront(); item !== undefined; item = this.#takeFront()) out.push(item)
    return out
  }

  #takeFront (): T | undefined {
    if (this.#length === 0) return undefined
    const item = this.#items[this.#head]
    this.#items[this.#head] = undefined
    this.#head = (this.#head + 1) % this.spec.maxLength
    this.#length--
    return item
  }

  #takeBack (): T | undefined {
    if (this.#length === 0) return undefined
    const index = (this.#head + this.#length - 1) % this.spec.maxLength
    const item = this.#items[index]
    this.#items[index] = undefined
    this.#length--
    return item
  }
}
