/**
 * Open-loop pacing: transaction k of a run is due at `start + k × 1000 / rate` ms, whatever happened
 * to the ones before it. A generator that falls behind sends what is due at once and the lateness
 * shows up in the latencies (they are measured from the due time, which each transaction carries as
 * its signed timestamp), instead of silently lowering the offered rate (coordinated omission).
 * Pure arithmetic: the caller brings the clock.
 */
import { LoadError } from './errors.ts'

/** Largest rate a pacer accepts, tx/s: far above what one machine can sign, submit or finalize. */
export const MAX_RATE = 1_000_000

export function checkRate (rate: number): void {
  if (!(Number.isFinite(rate) && rate > 0 && rate <= MAX_RATE)) {
    throw new LoadError('INVALID_OPTION', `rate must be a number of transactions per second in (0, ${MAX_RATE}], got ${rate}`, { field: 'rate' })
  }
}

/** Transactions in a run of `durationMs` at `rate` tx/s: those due strictly before the end. */
export function plannedCount (rate: number, durationMs: number): number {
  checkRate(rate)
  if (!(Number.isFinite(durationMs) && durationMs > 0)) {
    throw new LoadError('INVALID_OPTION', `duration must be a positive number of milliseconds, got ${durationMs}`, { field: 'duration' })
  }
  return Math.ceil((rate * durationMs) / 1000)
}

/** When transaction `index` is due, in whole ms after the start (its embedded timestamp − start). */
export function dueOffsetMs (index: number, rate: number): number {
  return Math.floor((index * 1000) / rate)
}

/**
 * How many transactions are due `elapsedMs` after the start: every k with dueOffsetMs(k) ≤ elapsed,
 * capped at `total`. Consistent with dueOffsetMs, so a transaction is never sent before its timestamp.
 */
export function dueBy (elapsedMs: number, rate: number, total: number): number {
  if (elapsedMs < 0) return 0
  // the smallest k with floor(k × 1000 / rate) > elapsed is the count of those due
  let k = Math.floor(((Math.floor(elapsedMs) + 1) * rate) / 1000)
  while (k > 0 && dueOffsetMs(k - 1, rate) > elapsedMs) k--
  while (dueOffsetMs(k, rate) <= elapsedMs) k++
  return Math.min(total, k)
}
