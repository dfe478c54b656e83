/**
 * A bounded memo that forgets in two generations: entries go into the current generation; when it
 * is full it becomes the previous one and a new one starts, and the previous generation's entries are
 * dropped then. A hit in the previous generation moves the entry to the current one. So an entry used
 * recently survives a turnover, unlike a memo that is cleared whole when full — which, for the
 * signature memo under sustained load, meant re-verifying every pending transaction at once.
 * At most `2 × generation` entries are held.
 */
export class GenerationalMemo<K, V> {
  readonly #generation: number
  #current = new Map<K, V>()
  #previous = new Map<K, V>()

  constructor (generation: number) {
    this.#generation = generation
  }

  get (key: K): V | undefined {
    const value = this.#current.get(key)
    if (value !== undefined) return value
    const old = this.#previous.get(key)
    if (old !== undefined) this.set(key, old)
    return old
  }

  set (key: K, value: V): void {
    if (this.#current.size >= this.#generation) {
      this.#previous = this.#current
      this.#current = new Map()
    }
    this.#current.set(key, value)
  }

  delete (key: K): void {
    this.#current.delete(key)
    this.#previous.delete(key)
  }

  get size (): number {
    return this.#current.size + this.#previous.size
  }

  clear (): void {
    this.#current.clear()
    this.#previous.clear()
  }
}
