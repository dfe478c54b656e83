import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GenerationalMemo } from '../../src/ledger/memo.ts'

test('a generational memo keeps what was used in the last generation and holds at most two', () => {
  const memo = new GenerationalMemo<string, number>(2)
  memo.set('a', 1)
  memo.set('b', 2)
  memo.set('c', 3) // a, b become the previous generation
  assert.equal(memo.get('a'), 1, 'a previous-generation hit survives, moved to the current one')
  memo.set('d', 4) // current {c, a} is full: it becomes previous; b is dropped
  assert.equal(memo.get('b'), undefined)
  assert.deepEqual([memo.get('c'), memo.get('a'), memo.get('d')], [3, 1, 4])
  assert.ok(memo.size <= 4)
  memo.delete('d')
  assert.equal(memo.get('d'), undefined)
  memo.clear()
  assert.equal(memo.size, 0)
})
