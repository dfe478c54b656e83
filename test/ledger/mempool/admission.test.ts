import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mempool, MempoolError, TxRejectedError, isMempoolRefusal } from '../../../src/ledger/mempool/index.ts'
import { fixturePool, fixtureTx, ids, type FixtureTx } from './fixtures.ts'

function refusal (code: string, name = 'MempoolError'): (err: unknown) => boolean {
  return (err) => {
    assert.ok(isMempoolRefusal(err), `expected a mempool refusal, got ${String(err)}`)
    assert.equal(err.name, name)
    assert.equal(err.code, code)
    return true
  }
}

test('admits a transaction and answers the queries', () => {
  const { pool } = fixturePool()
  const a0 = fixtureTx('a', 0, 2, 120)
  const { entry, evicted, replaced } = pool.add(a0)
  assert.equal(entry.id, a0.id)
  assert.equal(entry.arrival, 0)
  assert.ok(Object.isFrozen(entry))
  assert.deepEqual(evicted, [])
  assert.equal(replaced, undefined)
  assert.ok(pool.has(a0.id))
  assert.equal(pool.get(a0.id), entry)
  assert.equal(pool.size, 1)
  assert.equal(pool.bytes, 120)
  assert.deepEqual(ids(pool.pending('a')), [a0.id])
  assert.deepEqual(pool.pending('nobody'), [])
  assert.equal(pool.nextNonce('a'), 1)
  assert.deepEqual(ids(pool), [a0.id])
})

test('a duplicate id is refused with ALREADY_KNOWN', () => {
  const { pool } = fixturePool()
  pool.add(fixtureTx('a', 0))
  assert.throws(() => pool.add(fixtureTx('a', 0)), refusal('ALREADY_KNOWN'))
  assert.equal(pool.size, 1)
})

test('a nonce below the account nonce is refused with NONCE_TOO_LOW', () => {
  const { pool, ledger } = fixturePool()
  ledger.nonces.set('a', 3)
  assert.throws(() => pool.add(fixtureTx('a', 2)), refusal('NONCE_TOO_LOW'))
  pool.add(fixtureTx('a', 3))
  assert.equal(pool.nextNonce('a'), 4)
})

test('a future nonce is queued: held but not executable until the hole is filled', () => {
  const { pool } = fixturePool()
  pool.add(fixtureTx('a', 1))
  assert.equal(pool.size, 1)
  assert.equal(pool.nextNonce('a'), 0)
  assert.deepEqual(pool.reap(), [])
  pool.add(fixtureTx('a', 0))
  assert.deepEqual(ids(pool.reap()), ['a:0:1:100', 'a:1:1:100'])
  assert.equal(pool.nextNonce('a'), 2)
})

test('per-sender limits: nonce gap, queued quota and total quota', () => {
  const { pool } = fixturePool({ maxNonceGap: 3, maxQueuedPerSender: 2, maxPerSender: 4 })
  assert.throws(() => pool.add(fixtureTx('a', 4)), refusal('NONCE_TOO_HIGH')) // 4 − next nonce 0 > 3
  pool.add(fixtureTx('a', 3)) // gap 3: allowed, queued
  pool.add(fixtureTx('a', 1)) // queued
  assert.throws(() => pool.add(fixtureTx('a', 2)), refusal('SENDER_QUEUE_FULL')) // 2 queued already
  pool.add(fixtureTx('a', 0)) // fills the first hole: 0,1 executable, 3 still queued
  assert.equal(pool.nextNonce('a'), 2)
  pool.add(fixtureTx('a', 4)) // queued: 3 and 4
  assert.throws(() => pool.add(fixtureTx('a', 2)), refusal('SENDER_QUEUE_FULL')) // 4 held already
  // Another sender is unaffected by a's quotas.
  pool.add(fixtureTx('b', 0))
})

test('replacement by priority: a higher one replaces, an equal or lower one is refused', () => {
  const { pool } = fixturePool()
  const low = pool.add(fixtureTx('a', 0, 2, 100)).entry
  assert.throws(() => pool.add(fixtureTx('a', 0, 2, 100, 'again')), refusal('REPLACEMENT_UNDERPRICED'))
  assert.throws(() => pool.add(fixtureTx('a', 0, 1, 100)), refusal('REPLACEMENT_UNDERPRICED'))
  const result = pool.add(fixtureTx('a', 0, 3, 250))
  assert.equal(result.replaced, low)
  assert.equal(pool.has(low.id), false)
  assert.equal(pool.size, 1)
  assert.equal(pool.bytes, 250)
  assert.deepEqual(ids(pool.pending('a')), [result.entry.id])
})

test('the ledger check refuses with its own code and nothing is admitted', () => {
  const { pool, ledger } = fixturePool()
  ledger.refuse = (tx) => tx.size > 500 ? { code: 'INSUFFICIENT_MANA', message: 'costs more mana than the sender has' } : undefined
  assert.throws(() => pool.add(fixtureTx('a', 0, 1, 600)), refusal('INSUFFICIENT_MANA', 'TxRejectedError'))
  assert.throws(() => pool.add(fixtureTx('a', 0, 1, 600)), TxRejectedError)
  assert.equal(pool.size, 0)
  assert.equal(pool.bytes, 0)
  pool.add(fixtureTx('a', 0, 1, 100))
  assert.equal(pool.size, 1)
})

test('a caller that has just run the ledger check says so, and the pool does not run it again', () => {
  const { pool, ledger } = fixturePool()
  pool.add(fixtureTx('a', 0), { checked: true })
  assert.equal(ledger.checks, 0)
  pool.add(fixtureTx('a', 1))
  assert.equal(ledger.checks, 1)
  assert.equal(pool.size, 2)
})

test('cheap refusals come before the ledger check', () => {
  const { pool, ledger } = fixturePool()
  pool.add(fixtureTx('a', 0))
  const before = ledger.checks
  assert.throws(() => pool.add(fixtureTx('a', 0)), refusal('ALREADY_KNOWN'))
  assert.throws(() => pool.add(fixtureTx('a', 0, 1, 100, 'x')), refusal('REPLACEMENT_UNDERPRICED'))
  assert.equal(ledger.checks, before)
})

test('malformed metadata is refused naming the field', () => {
  const { pool } = fixturePool({ maxBytes: 1000 })
  const bad: Array<[Partial<ReturnType<typeof fixtureTx>>, string]> = [
    [{ id: '' }, 'id'], [{ from: '' }, 'from'], [{ nonce: -1 }, 'nonce'], [{ nonce: 1.5 }, 'nonce'],
    [{ priority: 0 }, 'priority'], [{ priority: 6 }, 'priority'], [{ priority: 2.5 }, 'priority'],
    [{ size: 0 }, 'size'], [{ size: Number.NaN }, 'size']
  ]
  for (const [patch, field] of bad) {
    assert.throws(() => pool.add({ ...fixtureTx('a', 0), ...patch }), (err) => {
      assert.ok(err instanceof MempoolError)
      assert.equal(err.code, 'INVALID_ENTRY')
      assert.equal(err.field, field)
      return true
    })
  }
  assert.throws(() => pool.add(fixtureTx('a', 0, 1, 1001)), refusal('TX_TOO_LARGE'))
  assert.equal(pool.size, 0)
})

test('bad bounds are refused at construction', () => {
  for (const init of [{ maxTxs: 0 }, { maxBytes: -1 }, { maxPerSender: 1.5 }, { maxQueuedPerSender: -1 }, { maxNonceGap: Number.NaN }]) {
    assert.throws(() => mempool<FixtureTx>(init), (err) => err instanceof MempoolError && err.code === 'INVALID_CONFIG')
  }
})

test('iteration is in arrival order and a replacement counts as a new arrival', () => {
  const { pool } = fixturePool()
  pool.add(fixtureTx('a', 0))
  pool.add(fixtureTx('b', 0))
  pool.add(fixtureTx('a', 0, 4))
  assert.deepEqual(ids(pool), ['b:0:1:100', 'a:0:4:100'])
  assert.deepEqual([...pool].map((e) => e.arrival), [1, 2])
})
