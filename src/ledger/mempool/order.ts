/**
 * The two rankings of the pool. Arrival numbers are unique, so both are strict total orders and every
 * node fed the same sequence of operations reaps and evicts the same transactions.
 */
import type { MempoolEntry } from './types.ts'

type Ranked = Pick<MempoolEntry<unknown>, 'priority' | 'arrival'>

/** Block order: higher priority first, then earlier arrival. */
export function reapsBefore (a: Ranked, b: Ranked): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.arrival < b.arrival
}

/** Eviction order: lower priority first, then later arrival — the exact reverse of block order. */
export function evictsBefore (a: Ranked, b: Ranked): boolean {
  return reapsBefore(b, a)
}
