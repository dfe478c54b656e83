import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { dueBy, dueOffsetMs, plannedCount, checkRate, LoadError } from '../../src/load/index.ts'

describe('pacing', () => {
  test('a run plans rate × duration transfers, rounding a partial one up', () => {
    assert.equal(plannedCount(100, 10_000), 1000)
    assert.equal(plannedCount(3, 1_000), 3)
    assert.equal(plannedCount(2.5, 1_000), 3)
    assert.equal(plannedCount(1, 1), 1)
  })

  test('transfer k is due k × 1000 / rate ms after the start, in whole ms', () => {
    assert.equal(dueOffsetMs(0, 100), 0)
    assert.equal(dueOffsetMs(1, 100), 10)
    assert.equal(dueOffsetMs(1, 3), 333)
    assert.equal(dueOffsetMs(2, 3), 666)
    assert.equal(dueOffsetMs(3, 3), 1000)
    assert.equal(dueOffsetMs(7, 0.5), 14_000)
  })

  test('dueBy counts exactly the transfers whose offset has passed, never one early', () => {
    for (const rate of [1, 3, 7, 100, 333.3, 2000, 12_345]) {
      const total = plannedCount(rate, 2_000)
      for (let elapsed = 0; elapsed <= 2_100; elapsed += 7) {
        const n = dueBy(elapsed, rate, total)
        if (n > 0) assert.ok(dueOffsetMs(n - 1, rate) <= elapsed, `rate ${rate}: transfer ${n - 1} due by ${elapsed}`)
        if (n < total) assert.ok(dueOffsetMs(n, rate) > elapsed, `rate ${rate}: transfer ${n} not yet due at ${elapsed}`)
      }
    }
  })

  test('dueBy is 0 before the start, 1 at the start, and capped at the total', () => {
    assert.equal(dueBy(-5, 100, 1000), 0)
    assert.equal(dueBy(0, 100, 1000), 1)
    assert.equal(dueBy(9, 100, 1000), 1)
    assert.equal(dueBy(10, 100, 1000), 2)
    assert.equal(dueBy(1_000_000, 100, 1000), 1000)
  })

  test('dueBy is non-decreasing in time', () => {
    let last = 0
    for (let t = 0; t < 5_000; t += 3) {
      const n = dueBy(t, 777, 10_000)
      assert.ok(n >= last)
      last = n
    }
  })

  test('a rate that is not a positive finite number is refused, naming the field', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2_000_000]) {
      assert.throws(() => { checkRate(bad) }, (err: unknown) => err instanceof LoadError && err.code === 'INVALID_OPTION' && err.field === 'rate')
    }
    assert.throws(() => plannedCount(10, 0), (err: unknown) => err instanceof LoadError && err.field === 'duration')
  })
})
