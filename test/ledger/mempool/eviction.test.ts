import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MempoolError } from '../../../src/ledger/mempool/index.ts'
import { fixturePool, fixtureTx, ids } from './fixtures.ts'

const full = (err: unknown): boolean => err instanceof MempoolError && err.code === 'MEMPOOL_FULL'

test('count bound: the lowest-priority tail is evicted, leaving the sender no hole', () => {
  const { pool } = fixturePool({ maxTxs: 4 })
  for (const t of [fixtureTx('a', 0, 1), fixtureTx('a', 1, 1), fixtureTx('b', 0, 3), fixtureTx('b', 1, 3)]) pool.add(t)
  const { evicted } = pool.add(fixtureTx('c', 0, 2))
  assert.deepEqual(ids(evicted), ['a:1:1:100'])
  assert.equal(pool.size, 4)
  assert.deepEqual(ids(pool.pending('a')), ['a:0:1:100'])
})

test('only tails are candidates: a low-priority head behind a high-priority tail stays', () => {
  const { pool } = fixturePool({ maxTxs: 4 })
  for (const t of [fixtureTx('a', 0, 1), fixtureTx('a', 1, 4), fixtureTx('b', 0, 2), fixtureTx('b', 1, 2)]) pool.add(t)
  const { evicted } = pool.add(fixtureTx('c', 0, 3))
  assert.deepEqual(ids(evicted), ['b:1:2:100'])
  assert.deepEqual(ids(pool.pending('a')), ['a:0:1:100', 'a:1:4:100'])
  assert.deepEqual(ids(pool.pending('b')), ['b:0:2:100'])
})

test('byte bound: evicts worst tails one after another until the newcomer fits', () => {
  const { pool } = fixturePool({ maxBytes: 1000 })
  for (const t of [fixtureTx('a', 0, 1, 300), fixtureTx('a', 1, 1, 300), fixtureTx('b', 0, 2, 300)]) pool.add(t)
  const { evicted } = pool.add(fixtureTx('c', 0, 3, 500))
  // a:1 goes first (tail), then a:0 becomes a's tail and is still worse than b:0.
  assert.deepEqual(ids(evicted), ['a:1:1:300', 'a:0:1:300'])
  assert.equal(pool.bytes, 800)
  assert.deepEqual(ids(pool), ['b:0:2:300', 'c:0:3:500'])
})

test('among equal priorities the latest arrival is evicted first', () => {
  const { pool } = fixturePool({ maxTxs: 2 })
  pool.add(fixtureTx('a', 0, 2))
  pool.add(fixtureTx('b', 0, 2))
  assert.deepEqual(ids(pool.add(fixtureTx('c', 0, 3)).evicted), ['b:0:2:100'])
})

test('when the newcomer is itself the lowest it is refused and nothing is evicted', () => {
  const { pool } = fixturePool({ maxTxs: 2 })
  pool.add(fixtureTx('a', 0, 2))
  pool.add(fixtureTx('b', 0, 2))
  assert.throws(() => pool.add(fixtureTx('c', 0, 2)), full) // equal priority, later arrival: lowest
  assert.throws(() => pool.add(fixtureTx('c', 0, 1)), full)
  assert.deepEqual(ids(pool), ['a:0:2:100', 'b:0:2:100'])
  assert.equal(pool.bytes, 200)
})

test('a newcomer that would be its sender\'s tail cannot evict its own lower nonces', () => {
  const { pool } = fixturePool({ maxTxs: 3 })
  for (const t of [fixtureTx('a', 0, 1), fixtureTx('a', 1, 1), fixtureTx('b', 0, 5)]) pool.add(t)
  // a:1 is the pool's worst tail, but evicting it for a:2 would leave a:2 behind a hole; a:2 is a's
  // candidate instead and it ranks below b:0.
  assert.throws(() => pool.add(fixtureTx('a', 2, 3)), full)
  assert.equal(pool.size, 3)
  // The refused planning left the eviction index intact: a higher newcomer still evicts a:1.
  assert.deepEqual(ids(pool.add(fixtureTx('c', 0, 2)).evicted), ['a:1:1:100'])
})

test('a newcomer filling a hole may evict its own sender\'s queued tail', () => {
  const { pool } = fixturePool({ maxTxs: 3 })
  for (const t of [fixtureTx('a', 0, 5), fixtureTx('a', 2, 1), fixtureTx('b', 0, 3)]) pool.add(t)
  const { evicted } = pool.add(fixtureTx('a', 1, 2))
  assert.deepEqual(ids(evicted), ['a:2:1:100'])
  assert.deepEqual(ids(pool.pending('a')), ['a:0:5:100', 'a:1:2:100'])
})

test('a larger replacement evicts others, never the entry it replaces', () => {
  const { pool } = fixturePool({ maxBytes: 500 })
  const a0 = pool.add(fixtureTx('a', 0, 1, 200)).entry
  pool.add(fixtureTx('b', 0, 2, 200))
  // Excess is 400 − 200 + 400 − 500 = 100 bytes; a's candidate is the replacement itself (rank 3).
  const result = pool.add(fixtureTx('a', 0, 3, 400))
  assert.equal(result.replaced, a0)
  assert.deepEqual(ids(result.evicted), ['b:0:2:200'])
  assert.equal(pool.bytes, 400)
  assert.deepEqual(ids(pool), ['a:0:3:400'])
})

test('a replacement below its sender\'s tail stands in for the entry it replaces', () => {
  const { pool } = fixturePool({ maxBytes: 400 })
  for (const t of [fixtureTx('a', 0, 1), fixtureTx('a', 1, 1), fixtureTx('a', 2, 1), fixtureTx('b', 0, 4)]) pool.add(t)
  // Needs 150 bytes: a:2 (100) is evicted, then a's next candidate is the replacement itself, not the
  // a:1 it replaces nor a:0 beneath it — so the whole admission is refused and nothing changes.
  assert.throws(() => pool.add(fixtureTx('a', 1, 3, 250)), full)
  assert.equal(pool.size, 4)
  assert.equal(pool.bytes, 400)
  // Needing only 100 bytes, a:2 alone goes.
  const result = pool.add(fixtureTx('a', 1, 3, 200))
  assert.deepEqual(ids(result.evicted), ['a:2:1:100'])
  assert.equal(result.replaced?.id, 'a:1:1:100')
  assert.deepEqual(ids(pool.pending('a')), ['a:0:1:100', 'a:1:3:200'])
  assert.equal(pool.bytes, 400)
})

test('closedTo answers, before any check, exactly when add would refuse with MEMPOOL_FULL', () => {
  const { pool } = fixturePool({ maxTxs: 2, maxBytes: 1000 })
  assert.equal(pool.closedTo(1, 100), false, 'empty')
  pool.add(fixtureTx('a', 0, 2))
  assert.equal(pool.closedTo(1, 100), false, 'room left')
  assert.equal(pool.closedTo(1, 901), true, 'the byte bound, with only priority-2 entries to evict')
  pool.add(fixtureTx('b', 0, 2))
  for (const priority of [1, 2, 3]) {
    let refused = false
    try { pool.add(fixtureTx('c', 0, priority)) } catch (err) { refused = full(err) }
    assert.equal(pool.closedTo(priority, 100), refused, `priority ${priority}`)
    if (!refused) break
  }
  assert.equal(pool.closedTo(3, 100), false, 'a higher priority can still evict')
})
