import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Prng } from './prng.ts'

describe('Prng (xoshiro128** seeded by splitmix32)', () => {
  it('is a pure function of the seed', () => {
    const a = new Prng(12345)
    const b = new Prng(12345)
    const c = new Prng(12346)
    const xs = Array.from({ length: 50 }, () => a.u32())
    assert.deepEqual(Array.from({ length: 50 }, () => b.u32()), xs)
    assert.notDeepEqual(Array.from({ length: 50 }, () => c.u32()), xs)
    assert.notDeepEqual(Array.from({ length: 50 }, () => new Prng(2 ** 40 + 1).u32()), Array.from({ length: 50 }, () => new Prng(1).u32()))
  })

  it('stays in range and covers it', () => {
    const r = new Prng(1)
    const seen = new Set<number>()
    for (let i = 0; i < 2000; i++) {
      const x = r.range(3, 9)
      assert.ok(x >= 3 && x <= 9 && Number.isInteger(x))
      seen.add(x)
      const f = r.float()
      assert.ok(f >= 0 && f < 1)
    }
    assert.equal(seen.size, 7)
  })

  it('forks independent streams deterministically', () => {
    const a = new Prng(9).fork()
    const b = new Prng(9).fork()
    assert.deepEqual([a.u32(), a.u32()], [b.u32(), b.u32()])
    assert.deepEqual(new Prng(4).shuffle([1, 2, 3, 4, 5]).sort(), [1, 2, 3, 4, 5])
  })
})
