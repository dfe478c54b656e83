/**
 * Selecting the next block's transactions.
 *
 * A heap holds each sender's next executable transaction (its head), ranked by `reapsBefore`
 * (priority, then arrival). Popping the best head and pushing that sender's following nonce yields a
 * sequence that is as close to priority order as per-sender nonce order allows: a high-priority
 * transaction waits behind its sender's earlier nonces, never the other way round. A head that does not
 * fit the remaining bytes takes its sender out of this block (everything after it depends on it) while
 * smaller transactions of other senders may still fit.
 *
 * Cost: O(S log S) to seed the heap plus O(R log S) for R transactions examined, S = senders with an
 * executable transaction, R ≤ maxTxs + S. Reaping 5,000 of 10,000 is a few tens of thousands of
 * comparisons. Nothing is removed: the pool forgets a transaction only when its block is final.
 */
import { KeyedHeap } from './heap.ts'
import { reapsBefore } from './order.ts'
import type { SenderQueue } from './sender-queue.ts'
import type { MempoolEntry, ReapLimits } from './types.ts'

interface Head<T> {
  entry: MempoolEntry<T>
  /** Position of `entry` in its sender's queue. */
  index: number
}

export function reap<T> (senders: Iterable<SenderQueue<T>>, limits: ReapLimits = {}): Array<MempoolEntry<T>> {
  const maxTxs = limits.maxTxs ?? Number.POSITIVE_INFINITY
  const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY
  const heads = new KeyedHeap<SenderQueue<T>, Head<T>>((a, b) => reapsBefore(a.entry, b.entry))
  for (const queue of senders) {
    const first = queue.at(0)
    if (first !== undefined && first.nonce === queue.base) heads.set(queue, { entry: first, index: 0 })
  }
  const out: Array<MempoolEntry<T>> = []
  let bytes = 0
  while (out.length < maxTxs) {
    const top = heads.pop()
    if (top === undefined) break
    const { entry, index } = top.value
    if (bytes + entry.size > maxBytes) continue
    out.push(entry)
    bytes += entry.size
    const next = top.key.at(index + 1)
    if (next !== undefined && next.nonce === entry.nonce + 1) heads.set(top.key, { entry: next, index: index + 1 })
  }
  return out
}
