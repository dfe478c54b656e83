import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TxRejectedError } from '../../../src/ledger/mempool/index.ts'
import { fixturePool, fixtureTx, ids, type FixtureTx } from './fixtures.ts'

/** What the node does when a block is final: apply it to the ledger, then tell the pool. */
function finalize (ctx: ReturnType<typeof fixturePool>, block: Array<{ id: string, tx: FixtureTx }>) {
  ctx.ledger.commit(block.map((b) => b.tx))
  return ctx.pool.update({ ids: block.map((b) => b.id) })
}

test('update removes the committed transactions and keeps the rest', () => {
  const ctx = fixturePool()
  for (const t of [fixtureTx('a', 0), fixtureTx('a', 1), fixtureTx('b', 0)]) ctx.pool.add(t)
  const result = finalize(ctx, [fixtureTx('a', 0)])
  assert.deepEqual(ids(result.committed), ['a:0:1:100'])
  assert.deepEqual(result.dropped, [])
  assert.deepEqual(result.promoted, [])
  assert.deepEqual(ids(ctx.pool), ['a:1:1:100', 'b:0:1:100'])
  assert.equal(ctx.pool.bytes, 200)
  assert.deepEqual(ids(ctx.pool.reap()), ['a:1:1:100', 'b:0:1:100'])
})

test('update drops transactions whose nonce another committed transaction used', () => {
  const ctx = fixturePool()
  ctx.pool.add(fixtureTx('a', 0, 1, 100, 'mine'))
  ctx.pool.add(fixtureTx('a', 1))
  // The block carried a different a:0 that this pool never saw.
  const result = finalize(ctx, [fixtureTx('a', 0, 1, 100, 'theirs')])
  assert.deepEqual(result.committed, [])
  assert.deepEqual(result.dropped.map((d) => [d.entry.id, d.code]), [['a:0:1:100:mine', 'NONCE_TOO_LOW']])
  assert.deepEqual(ids(ctx.pool.reap()), ['a:1:1:100'])
})

test('a queued future nonce is promoted once the account nonce catches up', () => {
  const ctx = fixturePool()
  ctx.pool.add(fixtureTx('a', 1, 2))
  ctx.pool.add(fixtureTx('a', 3, 2))
  assert.deepEqual(ctx.pool.reap(), [])
  const result = finalize(ctx, [fixtureTx('a', 0, 1, 100, 'elsewhere')])
  assert.deepEqual(ids(result.promoted), ['a:1:2:100'])
  assert.deepEqual(ids(ctx.pool.reap()), ['a:1:2:100'])
  assert.equal(ctx.pool.nextNonce('a'), 2)
})

test('update re-checks the remaining transactions and drops the ones the ledger now refuses', () => {
  const ctx = fixturePool()
  for (const t of [fixtureTx('a', 0), fixtureTx('a', 1), fixtureTx('a', 2), fixtureTx('b', 0), fixtureTx('c', 0)]) ctx.pool.add(t)
  // The block spent a:1's mana and drained c.
  ctx.ledger.refuse = (tx) => (tx.from === 'a' && tx.nonce === 1) || tx.from === 'c'
    ? { code: 'INSUFFICIENT_MANA', message: 'not enough mana' }
    : undefined
  const result = finalize(ctx, [fixtureTx('b', 0)])
  assert.deepEqual(ids(result.committed), ['b:0:1:100'])
  assert.deepEqual(result.dropped.map((d) => [d.entry.id, d.code]), [
    ['a:1:1:100', 'INSUFFICIENT_MANA'], ['c:0:1:100', 'INSUFFICIENT_MANA']
  ])
  // a:2 is demoted behind the hole, not reaped, still held until a:1 is resubmitted.
  assert.deepEqual(ids(ctx.pool.reap()), ['a:0:1:100'])
  assert.deepEqual(ids(ctx.pool.pending('a')), ['a:0:1:100', 'a:2:1:100'])
  assert.equal(ctx.pool.bytes, 200)
})

test('with `recheck`, only the named senders are re-checked; the others keep what they hold until a full update', () => {
  const ctx = fixturePool()
  for (const t of [fixtureTx('a', 0), fixtureTx('b', 0), fixtureTx('c', 0)]) ctx.pool.add(t)
  ctx.ledger.refuse = (tx) => tx.from !== 'b' ? { code: 'INSUFFICIENT_MANA', message: 'not enough mana' } : undefined
  ctx.ledger.checks = 0
  ctx.ledger.commit([])
  const partial = ctx.pool.update({ ids: [], recheck: new Set(['a']) })
  assert.deepEqual(partial.dropped.map((d) => d.entry.id), ['a:0:1:100'])
  assert.equal(ctx.ledger.checks, 1, 'only a\'s transaction was checked')
  assert.deepEqual(ids(ctx.pool), ['b:0:1:100', 'c:0:1:100'])
  const full = ctx.pool.update({ ids: [] })
  assert.deepEqual(full.dropped.map((d) => d.entry.id), ['c:0:1:100'])
  assert.deepEqual(ids(ctx.pool), ['b:0:1:100'])
})

test('demotion by a failed re-check still respects the queued quota', () => {
  const ctx = fixturePool({ maxQueuedPerSender: 1 })
  for (const t of [fixtureTx('a', 0), fixtureTx('a', 1), fixtureTx('a', 2)]) ctx.pool.add(t)
  ctx.ledger.refuse = (tx) => tx.nonce === 0 ? { code: 'BAD', message: 'refused' } : undefined
  const result = ctx.pool.update({ ids: [] })
  assert.deepEqual(result.dropped.map((d) => [d.entry.id, d.code]), [['a:0:1:100', 'BAD'], ['a:2:1:100', 'SENDER_QUEUE_FULL']])
  assert.deepEqual(ids(ctx.pool.pending('a')), ['a:1:1:100'])
})

test('nothing is done before update: reaped transactions stay until their block is final', () => {
  const ctx = fixturePool()
  ctx.pool.add(fixtureTx('a', 0))
  const block = ctx.pool.reap()
  assert.equal(ctx.pool.has(block[0]!.id), true)
  assert.deepEqual(ids(ctx.pool.update({ ids: ['unknown-id'] }).committed), [])
  assert.equal(ctx.pool.size, 1)
  finalize(ctx, block)
  assert.equal(ctx.pool.size, 0)
  assert.equal(ctx.pool.bytes, 0)
  assert.deepEqual([...ctx.pool], [])
})

test('the view given to update becomes the pool\'s view for later admissions', () => {
  const ctx = fixturePool()
  ctx.pool.add(fixtureTx('a', 0))
  ctx.pool.update({ ids: [] }, {
    accountNonce: (from) => from === 'b' ? 10 : 0,
    check: (tx) => tx.priority === 5 ? { code: 'NO_PRIORITY_5', message: 'refused' } : undefined
  })
  assert.throws(() => ctx.pool.add(fixtureTx('c', 0, 5)), (err) => err instanceof TxRejectedError && err.code === 'NO_PRIORITY_5')
  assert.equal(ctx.pool.nextNonce('b'), 10)
  ctx.pool.add(fixtureTx('b', 10))
})
