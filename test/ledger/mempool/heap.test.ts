import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KeyedHeap } from '../../../src/ledger/mempool/heap.ts'
import { prng } from './fixtures.ts'

test('the keyed heap pops in order under random set, re-rank and delete', () => {
  const rnd = prng(3)
  const heap = new KeyedHeap<string, number>((a, b) => a < b)
  const model = new Map<string, number>()
  for (let step = 0; step < 5_000; step++) {
    const key = `k${Math.floor(rnd() * 60)}`
    const op = rnd()
    if (op < 0.6) {
      // Values are unique so the order is total.
      const value = step * 1_000 + Math.floor(rnd() * 1_000) - 2_500_000
      heap.set(key, value)
      model.set(key, value)
    } else if (op < 0.8) {
      assert.equal(heap.delete(key), model.delete(key))
    } else {
      const expected = [...model].sort((a, b) => a[1] - b[1])[0]
      const top = heap.pop()
      assert.deepEqual(top === undefined ? undefined : [top.key, top.value], expected)
      if (expected !== undefined) model.delete(expected[0])
    }
    assert.equal(heap.size, model.size)
    assert.equal(heap.get(key), model.get(key))
    assert.equal(heap.has(key), model.has(key))
  }
  const drained: number[] = []
  for (let top = heap.pop(); top !== undefined; top = heap.pop()) drained.push(top.value)
  assert.deepEqual(drained, [...model.values()].sort((a, b) => a - b))
})
