import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { assignAccounts, benchEconomics, fundingPlan, senderOf, transferCost, transfersOf, LoadError } from '../../src/load/index.ts'

describe('account plan', () => {
  test('account i submits to node i mod N and pays account i + 1 (a ring)', () => {
    const slots = assignAccounts(5, 2)
    assert.deepEqual(slots.map((s) => s.target), [0, 1, 0, 1, 0])
    assert.deepEqual(slots.map((s) => s.recipient), [1, 2, 3, 4, 0])
    for (const s of slots) assert.notEqual(s.recipient, s.account)
  })

  test('transfers rotate over the accounts, so each account sends ⌈(total − i) / K⌉', () => {
    const counts = [0, 0, 0]
    for (let k = 0; k < 10; k++) counts[senderOf(k, 3)]!++
    assert.deepEqual(counts, [4, 3, 3])
    assert.deepEqual([0, 1, 2].map((i) => transfersOf(i, 10, 3)), [4, 3, 3])
    assert.equal(transfersOf(5, 3, 8), 0)
  })

  test('fewer than 2 accounts or no node cannot run', () => {
    assert.throws(() => assignAccounts(1, 1), (err: unknown) => err instanceof LoadError && err.field === 'accounts')
    assert.throws(() => assignAccounts(4, 0), (err: unknown) => err instanceof LoadError && err.field === 'api')
  })
})

describe('funding plan', () => {
  test('a transfer costs 100 mana plus amount / 100, rounded down (SPEC §4)', () => {
    assert.equal(transferCost(1), 100)
    assert.equal(transferCost(99), 100)
    assert.equal(transferCost(250), 102)
  })

  test('a funded run has no shortfall; the busiest account sets the needs', () => {
    const plan = fundingPlan({ total: 1000, accounts: 64, amount: 1, balance: 1_000_000, mana: 7_500 })
    assert.equal(plan.perAccount, 16)
    assert.equal(plan.manaNeeded, 1600)
    assert.equal(plan.creditsNeeded, 16)
    assert.deepEqual(plan.shortfalls, [])
  })

  test('default testnet mana (7 500) covers 75 transfers per account, not 76', () => {
    assert.deepEqual(fundingPlan({ total: 75 * 4, accounts: 4, amount: 1, balance: 1e6, mana: 7_500 }).shortfalls, [])
    const short = fundingPlan({ total: 76 * 4, accounts: 4, amount: 1, balance: 1e6, mana: 7_500 })
    assert.deepEqual(short.shortfalls.map((s) => s.field), ['mana'])
  })

  test('credits short of what the busiest account sends is a balance shortfall', () => {
    const plan = fundingPlan({ total: 100, accounts: 2, amount: 1000, balance: 10_000, mana: 1e9 })
    assert.equal(plan.creditsNeeded, 50_000)
    assert.deepEqual(plan.shortfalls.map((s) => s.field), ['balance'])
  })

  test('bench economics give every account the mana for its transfers', () => {
    const { manaBase } = benchEconomics(500, 1)
    assert.equal(manaBase, 50_000)
    assert.deepEqual(fundingPlan({ total: 500 * 8, accounts: 8, amount: 1, balance: 1e6, mana: manaBase }).shortfalls, [])
    assert.throws(() => benchEconomics(0), (err: unknown) => err instanceof LoadError && err.code === 'INVALID_OPTION')
  })
})
