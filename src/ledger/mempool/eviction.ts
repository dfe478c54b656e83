/**
 * Choosing what to evict when an admission would break the count or byte bound.
 *
 * Only a sender's tail (highest nonce) is a candidate, so eviction never opens a hole in anyone's
 * nonce sequence. The pool keeps a heap of every sender's tail ranked by `evictsBefore` (lowest
 * priority, then latest arrival); each victim costs O(log S), S = senders held. Every victim must rank
 * strictly below the incoming transaction; when the incoming one is itself the lowest — and, arriving
 * last, it always loses a tie — it is refused with MEMPOOL_FULL and nothing is evicted.
 */
import { MempoolError } from './errors.ts'
import type { KeyedHeap } from './heap.ts'
import { evictsBefore } from './order.ts'
import type { SenderQueue } from './sender-queue.ts'
import type { MempoolEntry } from './types.ts'

/** Points the tail heap at `queue`'s current tail, or removes the sender when it holds nothing. */
export function syncTail<T> (tails: KeyedHeap<string, MempoolEntry<T>>, from: string, queue: SenderQueue<T> | undefined): void {
  const tail = queue?.tail()
  if (tail === undefined) tails.delete(from)
  else tails.set(from, tail)
}

/**
 * Returns the entries to evict, worst first, so that `incoming` fits once they (and the entry it
 * replaces, if any) are gone; throws MEMPOOL_FULL when that would evict something that does not rank
 * below `incoming`. The pool is judged as if `incoming` were already inserted: if it would become its
 * sender's tail, it is that sender's candidate, so the sender's lower nonces cannot be taken from
 * under it. The heap is used as scratch space and restored before returning.
 */
export function planEviction<T> (
  senders: ReadonlyMap<string, SenderQueue<T>>,
  tails: KeyedHeap<string, MempoolEntry<T>>,
  incoming: MempoolEntry<T>,
  excess: { txs: number, bytes: number }
): Array<MempoolEntry<T>> {
  const victims: Array<MempoolEntry<T>> = []
  let { txs, bytes } = excess
  if (txs <= 0 && bytes <= 0) return victims
  const touched = new Set<string>([incoming.from])
  try {
    const ownTail = senders.get(incoming.from)?.tail()
    if (ownTail === undefined || incoming.nonce >= ownTail.nonce) tails.set(incoming.from, incoming)
    while (txs > 0 || bytes > 0) {
      const worst = tails.pop()
      if (worst === undefined || !evictsBefore(worst.value, incoming)) {
        throw new MempoolError('MEMPOOL_FULL', 'the pool is full and holds nothing of lower priority to evict')
      }
      victims.push(worst.value)
      txs -= 1
      bytes -= worst.value.size
      touched.add(worst.key)
      const next = predecessor(senders.get(worst.key), worst.value.nonce, incoming)
      if (next !== undefined) tails.set(worst.key, next)
    }
    return victims
  } finally {
    for (const from of touched) syncTail(tails, from, senders.get(from))
  }
}

/**
 * The sender's next candidate once its entry at `nonce` is gone, seen with `incoming` inserted: the
 * incoming transaction takes the place of any entry it replaces and is a candidate like the others.
 */
function predecessor<T> (
  queue: SenderQueue<T> | undefined, nonce: number, incoming: MempoolEntry<T>
): MempoolEntry<T> | undefined {
  const held = queue?.before(nonce)
  if (queue?.from !== incoming.from || incoming.nonce >= nonce) return held
  return held === undefined || incoming.nonce >= held.nonce ? incoming : held
}
