/**
 * A bounded set of recently accepted keys (signatures, offence keys): membership answers "already
 * seen", and past its capacity the oldest key is forgotten first. A forgotten key only costs one more
 * validation of a message we already had.
 */
export class SeenSet {
  readonly #capacity: number
  readonly #keys = new Set<string>()

  constructor (capacity: number) {
    this.#capacity = Math.max(1, capacity)
  }

  has (key: string): boolean {
    return this.#keys.has(key)
  }

  add (key: string): void {
    if (this.#keys.has(key)) return
    if (this.#keys.size >= this.#capacity) {
      // a Set iterates in insertion order: the first key is the oldest
      const oldest = this.#keys.values().next()
      if (oldest.done !== true) this.#keys.delete(oldest.value)
    }
    this.#keys.add(key)
  }

  get size (): number {
    return this.#keys.size
  }
}

/** Seen-set key of a signature. */
export function signatureKey (signature: Uint8Array): string {
  return Buffer.from(signature).toString('base64')
}
