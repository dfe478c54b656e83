/**
 * A binary heap of values indexed by key: set (insert or re-rank), delete, peek and pop in O(log n).
 * The pool keeps one entry per sender in it (the sender's head for reaping, its tail for eviction), so a
 * sender's rank can change without a rebuild. `before(a, b)` is true when `a` belongs nearer the top; it
 * must be a strict total order for the pop sequence to be deterministic.
 */
export class KeyedHeap<K, V> {
  readonly #before: (a: V, b: V) => boolean
  readonly #keys: K[] = []
  readonly #values: V[] = []
  readonly #index = new Map<K, number>()

  constructor (before: (a: V, b: V) => boolean) {
    this.#before = before
  }

  get size (): number {
    return this.#keys.length
  }

  has (key: K): boolean {
    return this.#index.has(key)
  }

  get (key: K): V | undefined {
    const i = this.#index.get(key)
    return i === undefined ? undefined : this.#values[i]
  }

  /** The top value, or undefined when empty. */
  peek (): { key: K, value: V } | undefined {
    if (this.#keys.length === 0) return undefined
    return { key: this.#keys[0]!, value: this.#values[0]! }
  }

  set (key: K, value: V): void {
    const i = this.#index.get(key)
    if (i === undefined) {
      this.#keys.push(key)
      this.#values.push(value)
      this.#index.set(key, this.#keys.length - 1)
      this.#up(this.#keys.length - 1)
      return
    }
    this.#values[i] = value
    this.#down(this.#up(i))
  }

  delete (key: K): boolean {
    const i = this.#index.get(key)
    if (i === undefined) return false
    const last = this.#keys.length - 1
    if (i !== last) this.#swap(i, last)
    this.#keys.pop()
    this.#values.pop()
    this.#index.delete(key)
    if (i !== last) this.#down(this.#up(i))
    return true
  }

  pop (): { key: K, value: V } | undefined {
    const top = this.peek()
    if (top !== undefined) this.delete(top.key)
    return top
  }

  /** Moves i towards the root while it beats its parent; returns its final position. */
  #up (i: number): number {
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.#before(this.#values[i]!, this.#values[parent]!)) break
      this.#swap(i, parent)
      i = parent
    }
    return i
  }

  #down (i: number): void {
    const n = this.#keys.length
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let best = i
      if (left < n && this.#before(this.#values[left]!, this.#values[best]!)) best = left
      if (right < n && this.#before(this.#values[right]!, this.#values[best]!)) best = right
      if (best === i) return
      this.#swap(i, best)
      i = best
    }
  }

  #swap (a: number, b: number): void {
    const ka = this.#keys[a]!
    const kb = this.#keys[b]!
    const va = this.#values[a]!
    this.#keys[a] = kb
    this.#keys[b] = ka
    this.#values[a] = this.#values[b]!
    this.#values[b] = va
    this.#index.set(kb, a)
    this.#index.set(ka, b)
  }
}
