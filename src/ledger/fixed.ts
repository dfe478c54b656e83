/**
 * Deterministic fixed-point arithmetic for consensus state. Reputation decays as e^(−rate × days)
 * (SPEC §6); a floating-point exp may differ in its last bits between engines and platforms, so it
 * is computed with BigInt only: e^−x = e^−n · e^−(k/64) · e^−s with n = ⌊x⌋, k = ⌊64·frac(x)⌋ and
 * s < 1/64, the first two from integer tables built once at load, the last from a short Taylor series.
 * Tables are kept at 1e18 so the product is exact to well below the 1e12 scale that callers see.
 */
import { MS_PER_DAY, PPM, VALIDATOR_REWARD } from './constants.ts'

/** Scale of the public decay factor: 1.0 = 1e12. */
export const FIXED_ONE = 1_000_000_000_000n
const ONE = 1_000_000_000_000_000_000n // internal scale 1e18
const TO_PUBLIC = ONE / FIXED_ONE
const FRACTION_STEPS = 64n
/** e^−1 at 1e18 (0.367879441171442321595…), rounded to nearest. */
const E_NEG_ONE = 367_879_441_171_442_322n
/** Beyond e^−64 every factor floors to zero at the public scale. */
const MAX_WHOLE = 64

/** e^−s at 1e18 for 0 ≤ s < 1 by its alternating Taylor series, truncating each term. */
function expNegTaylor (s: bigint): bigint {
  let sum = ONE
  let term = ONE
  for (let k = 1n; k < 40n; k++) {
    term = (term * s) / (ONE * k)
    if (term === 0n) break
    sum += k % 2n === 1n ? -term : term
  }
  return sum
}

const WHOLE: bigint[] = [ONE]
for (let n = 1; n <= MAX_WHOLE; n++) WHOLE.push((WHOLE[n - 1]! * E_NEG_ONE) / ONE)
const FRACTION: bigint[] = []
for (let k = 0n; k < FRACTION_STEPS; k++) FRACTION.push(expNegTaylor((k * ONE) / FRACTION_STEPS))

/** e^−x for x ≥ 0, both at FIXED_ONE scale; the result is floored. */
export function expNeg (x: bigint): bigint {
  if (x <= 0n) return FIXED_ONE
  const X = x * TO_PUBLIC
  const n = X / ONE
  if (n >= BigInt(MAX_WHOLE)) return 0n
  const frac = X - n * ONE
  const k = (frac * FRACTION_STEPS) / ONE
  const s = frac - (k * ONE) / FRACTION_STEPS
  const product = (((WHOLE[Number(n)]! * FRACTION[Number(k)]!) / ONE) * expNegTaylor(s)) / ONE
  return product / TO_PUBLIC
}

const DECAY_DENOMINATOR = BigInt(PPM) * BigInt(MS_PER_DAY)

/** e^(−rate × days) at FIXED_ONE scale, with `rate` in ppm per day and the age in ms of block time. */
export function decayFactor (ratePpmPerDay: number, elapsedMs: number): bigint {
  if (elapsedMs <= 0 || ratePpmPerDay <= 0) return FIXED_ONE
  return expNeg((BigInt(ratePpmPerDay) * BigInt(elapsedMs) * FIXED_ONE) / DECAY_DENOMINATOR)
}

/** `value` decayed over `elapsedMs` at `ratePpmPerDay`, floored to an integer. */
export function decay (value: number, ratePpmPerDay: number, elapsedMs: number): number {
  if (value === 0 || elapsedMs <= 0) return value
  return Number((BigInt(value) * decayFactor(ratePpmPerDay, elapsedMs)) / FIXED_ONE)
}

/** value × ppm / 1e6, truncated toward zero. */
export function mulPpm (value: number, ppm: number): number {
  return Number((BigInt(value) * BigInt(ppm)) / BigInt(PPM))
}

/** Integer division rounding up, for non-negative operands. */
export function ceilDiv (a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b
}

/**
 * Share of reputation a double-sign at sanction `level` (≥ 1) costs: 5 % × 1.5^(level−1) (SPEC §7),
 * in ppm, computed exactly as 5 % × 3^(level−1) / 2^(level−1) and capped at 100 %.
 */
export function sanctionCostPpm (level: number): number {
  if (level < 1) return 0
  const l = BigInt(level - 1)
  const ppm = (BigInt(VALIDATOR_REWARD.sanctionBasePpm) * 3n ** l) / 2n ** l
  return ppm > BigInt(PPM) ? PPM : Number(ppm)
}
