/**
 * Latency statistics. Percentiles use the nearest-rank definition: the p-th percentile of n sorted
 * values is the value at rank ⌈p/100 × n⌉ (1-based), so it is always one of the measured values and
 * p99 of 100 values is the 99th smallest, not an interpolation between two.
 */
import { LoadError } from './errors.ts'

/** The p-th percentile (0 < p ≤ 100) of values sorted ascending; undefined for no values. */
export function percentile (sorted: readonly number[], p: number): number | undefined {
  if (!(p > 0 && p <= 100)) throw new LoadError('INVALID_OPTION', `a percentile is in (0, 100], got ${p}`, { field: 'percentile' })
  if (sorted.length === 0) return undefined
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

export interface LatencySummary {
  count: number
  min: number
  mean: number
  p50: number
  p90: number
  p99: number
  max: number
}

/** Count, min, mean, p50, p90, p99 and max of `values` (any order); undefined when there are none. */
export function summarize (values: readonly number[]): LatencySummary | undefined {
  if (values.length === 0) return undefined
  const sorted = Float64Array.from(values).sort()
  const list = Array.from(sorted)
  let sum = 0
  for (const v of list) sum += v
  return {
    count: list.length,
    min: list[0] as number,
    mean: sum / list.length,
    p50: percentile(list, 50) as number,
    p90: percentile(list, 90) as number,
    p99: percentile(list, 99) as number,
    max: list[list.length - 1] as number
  }
}
