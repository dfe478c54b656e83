import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  checkTx, getAccount, regenerate, manaCapacity, manaRegenPerHour, TxError, DEFAULT_ECONOMIC_PARAMS, MS_PER_HOUR
} from '../../src/ledger/index.ts'
import { TestChain, alice, carol, bob } from './helpers.ts'

const econ = DEFAULT_ECONOMIC_PARAMS

test('capacity and regeneration follow reputation (SPEC §5)', () => {
  assert.equal(manaCapacity(0, econ), 1000)
  assert.equal(manaCapacity(-5_000, econ), 1000)
  assert.equal(manaCapacity(100_000, econ), 11_000) // 100 points
  assert.equal(manaCapacity(1_500, econ), 1_150) // 1.5 points
  assert.equal(manaRegenPerHour(0, econ), 10)
  assert.equal(manaRegenPerHour(100_000, econ), 20)
  assert.equal(manaRegenPerHour(9_999, econ), 10)
})

test('regeneration keeps the fraction of a unit across frequent updates', () => {
  let account = { balance: 0, mana: 0, manaAt: 0, nonce: 0 }
  // Updated every 5 s for an hour at 10 mana/hour: 10 mana, not 0 from rounding each step down.
  for (let t = 5_000; t <= MS_PER_HOUR; t += 5_000) account = { ...account, ...regenerate(account, 0, t, econ) }
  assert.equal(account.mana, 10)
  assert.equal(regenerate({ ...account, mana: 995 }, 0, account.manaAt + 10 * MS_PER_HOUR, econ).mana, 1000)
})

test('mana runs out, transactions are refused, and block time regenerates it', () => {
  const tc = new TestChain()
  // carol: zero reputation, 1000 mana, 0 credits: ten 100-mana contributions empty her tank.
  const spend = (): ReturnType<TestChain['tx']> => tc.tx(carol, 'record_contribution', { description: 'x', impact_story: 'y', context: 'z', tags: Array.from({ length: 10 }, (_, i) => `t${i}`) })
  const ten = Array.from({ length: 10 }, spend)
  const eleventh = spend()
  const { block, executed } = tc.next([...ten, eleventh])
  // The builder skipped the one she could not pay for.
  assert.equal(block.txs.length, 10)
  assert.ok(executed.receipts.every((r) => r.ok && r.mana === 100))
  assert.equal(getAccount(tc.chain.state, carol.did)!.mana, 0)
  assert.throws(() => checkTx(tc.chain.state, eleventh, { blockTime: tc.time }),
    (err: unknown) => err instanceof TxError && err.code === 'INSUFFICIENT_MANA' && err.field === 'from')
  // 9 hours later: 90 mana, still short; 10 hours: exactly enough.
  assert.throws(() => checkTx(tc.chain.state, eleventh, { blockTime: tc.time + 9 * MS_PER_HOUR }), (err: unknown) => (err as TxError).code === 'INSUFFICIENT_MANA')
  assert.equal(checkTx(tc.chain.state, eleventh, { blockTime: tc.time + 10 * MS_PER_HOUR }).mana, 100)
  // Blocks 59 minutes and 1 minute apart give 9 + 1 = 10 mana per hour: no unit lost to rounding.
  tc.next([], { gap: 59 * 60_000 })
  tc.next([], { gap: 60_000 })
  const { executed: later } = tc.next([eleventh], { gap: 9 * MS_PER_HOUR })
  assert.equal(later.receipts[0]!.ok, true)
  assert.equal(getAccount(tc.chain.state, carol.did)!.mana, 0)
})

test('mana never exceeds capacity and a transfer cost grows with the amount', () => {
  const tc = new TestChain()
  tc.next([], { gap: 100 * MS_PER_HOUR })
  // bob has zero reputation: capacity 1000 whatever the time elapsed.
  const tx = tc.tx(bob, 'transfer', { to: alice.did, amount: 400 })
  assert.equal(checkTx(tc.chain.state, tx, { blockTime: tc.time }).mana, 1000)
  assert.equal(checkTx(tc.chain.state, tx, { blockTime: tc.time }).cost, 104)
  const huge = tc.tx(alice, 'transfer', { to: bob.did, amount: 99_000 })
  assert.equal(checkTx(tc.chain.state, huge, { blockTime: tc.time }).cost, 1_090)
})
