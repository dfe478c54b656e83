import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { percentile, summarize, LoadError } from '../../src/load/index.ts'

describe('percentiles', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1)

  test('nearest rank: p50 of 1..100 is 50, p99 is 99, p100 is 100', () => {
    assert.equal(percentile(hundred, 50), 50)
    assert.equal(percentile(hundred, 99), 99)
    assert.equal(percentile(hundred, 100), 100)
    assert.equal(percentile(hundred, 0.5), 1)
  })

  test('a percentile is always one of the values, never an interpolation', () => {
    assert.equal(percentile([10, 20], 50), 10)
    assert.equal(percentile([10, 20], 51), 20)
    assert.equal(percentile([7], 99), 7)
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], 90), 9)
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], 91), 1000)
  })

  test('no values give no percentile; p outside (0, 100] is refused', () => {
    assert.equal(percentile([], 50), undefined)
    assert.throws(() => percentile(hundred, 0), (err: unknown) => err instanceof LoadError && err.code === 'INVALID_OPTION')
    assert.throws(() => percentile(hundred, 101), (err: unknown) => err instanceof LoadError && err.code === 'INVALID_OPTION')
  })

  test('summarize sorts numerically (not as strings) and reports count, min, mean, max', () => {
    const s = summarize([900, 5, 100, 20, 3])
    assert.deepEqual(s, { count: 5, min: 3, mean: 205.6, p50: 20, p90: 900, p99: 900, max: 900 })
    assert.equal(summarize([]), undefined)
  })

  test('summarize does not reorder its input', () => {
    const values = [3, 1, 2]
    summarize(values)
    assert.deepEqual(values, [3, 1, 2])
  })
})
