import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expNeg, decayFactor, decay, sanctionCostPpm, mulPpm, FIXED_ONE } from '../../src/ledger/fixed.ts'
import { MS_PER_DAY } from '../../src/ledger/constants.ts'

/** Reference values of e^−x, to 20 digits. */
const REFERENCE: Array<[bigint, bigint]> = [
  [0n, 1_000_000_000_000n],
  [FIXED_ONE / 2n, 606_530_659_712n], // e^-0.5 = 0.60653065971263342360…
  [FIXED_ONE, 367_879_441_171n], // e^-1 = 0.36787944117144232159…
  [3n * FIXED_ONE, 49_787_068_367n], // e^-3 = 0.04978706836786394297…
  [10n * FIXED_ONE, 45_399_929n], // e^-10 = 0.0000453999297624848…
  [1_234_567_890_123n, 290_960_462_097n] // e^-1.234567890123 = 0.29096046209733…
]

test('expNeg matches e^-x to within one unit of 1e-12', () => {
  for (const [x, expected] of REFERENCE) {
    const got = expNeg(x)
    assert.ok(got >= expected - 1n && got <= expected + 1n, `e^-${x}: got ${got}, expected ${expected}`)
  }
})

test('expNeg is monotonically non-increasing and reaches zero', () => {
  let previous = expNeg(0n)
  for (let x = 1n; x < 70n * FIXED_ONE; x += 997_000_000_001n) {
    const v = expNeg(x)
    assert.ok(v <= previous, `not monotonic at ${x}`)
    previous = v
  }
  assert.equal(expNeg(64n * FIXED_ONE), 0n)
  assert.equal(expNeg(-5n), FIXED_ONE)
})

test('30 days at rate 0.1 decays by e^-3, with exact integers', () => {
  const factor = decayFactor(100_000, 30 * MS_PER_DAY)
  assert.ok(factor >= 49_787_068_366n && factor <= 49_787_068_368n, String(factor))
  // 1000 points (1_000_000 milli-points) → 49.787… points, floored.
  assert.equal(decay(1_000_000, 100_000, 30 * MS_PER_DAY), 49_787)
  assert.equal(decay(200_000, 100_000, 30 * MS_PER_DAY), 9_957)
  // No time, no decay; no rate, no decay.
  assert.equal(decay(1_000_000, 100_000, 0), 1_000_000)
  assert.equal(decay(1_000_000, 0, MS_PER_DAY), 1_000_000)
})

test('decay over one day at rate 0.05 (voting) is e^-0.05', () => {
  // e^-0.05 = 0.951229424500714…
  assert.equal(decay(1_000_000_000, 50_000, MS_PER_DAY), 951_229_424)
})

test('sanction cost is 5 % × 1.5^(level−1), capped at 100 %', () => {
  assert.equal(sanctionCostPpm(0), 0)
  assert.equal(sanctionCostPpm(1), 50_000)
  assert.equal(sanctionCostPpm(2), 75_000)
  assert.equal(sanctionCostPpm(3), 112_500)
  assert.equal(sanctionCostPpm(4), 168_750)
  assert.equal(sanctionCostPpm(20), 1_000_000)
})

test('mulPpm truncates toward zero', () => {
  assert.equal(mulPpm(1000, 333_333), 333)
  assert.equal(mulPpm(-1000, 333_333), -333)
})
