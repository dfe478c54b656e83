/**
 * Sync progress: blocks per second over the current run and an info line at most once per interval,
 * `sync: height X / target Y (Z blocks/s)`. Driven by applied blocks, so it needs no timer.
 */
import type { Logger } from 'pino'

export class Progress {
  readonly #now: () => number
  readonly #intervalMs: number
  readonly #log: Logger
  #startedAt = 0
  #startHeight = 0
  #lastLogAt = -Infinity
  #rate = 0

  constructor (now: () => number, intervalMs: number, log: Logger) {
    this.#now = now
    this.#intervalMs = intervalMs
    this.#log = log
  }

  begin (height: number): void {
    this.#startedAt = this.#now()
    this.#startHeight = height
    this.#rate = 0
  }

  applied (height: number, target: number): void {
    const now = this.#now()
    const seconds = (now - this.#startedAt) / 1000
    this.#rate = seconds > 0 ? Math.round((height - this.#startHeight) / seconds * 10) / 10 : 0
    if (now - this.#lastLogAt < this.#intervalMs) return
    this.#lastLogAt = now
    this.#log.info({ height, target, blocksPerSecond: this.#rate }, `sync: height ${height} / target ${target} (${this.#rate} blocks/s)`)
  }

  get blocksPerSecond (): number {
    return this.#rate
  }

  get elapsedMs (): number {
    return this.#now() - this.#startedAt
  }
}
