/**
 * The simulator's scheduler: a binary min-heap of events ordered by (time, insertion sequence), so
 * two events at the same millisecond always run in the order they were scheduled.
 */
export interface Scheduled<E> { at: number, seq: number, event: E }

export class EventQueue<E> {
  private readonly heap: Array<Scheduled<E>> = []
  private seq = 0

  get size (): number {
    return this.heap.length
  }

  push (at: number, event: E): void {
    const item = { at, seq: this.seq++, event }
    const h = this.heap
    h.push(item)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(h[i]!, h[parent]!)) break
      ;[h[i], h[parent]] = [h[parent]!, h[i]!]
      i = parent
    }
  }

  pop (): Scheduled<E> | undefined {
    const h = this.heap
    const top = h[0]
    if (top === undefined) return undefined
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && before(h[l]!, h[m]!)) m = l
        if (r < h.length && before(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m]!, h[i]!]
        i = m
      }
    }
    return top
  }
}

function before<E> (a: Scheduled<E>, b: Scheduled<E>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
