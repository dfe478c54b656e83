import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../src/codec/index.ts'
import { signVote, VoteType, type Vote } from '../../src/consensus/messages.ts'
import {
  getReputationRecord, getValidatorRecord, effectiveValidatorRecord, validatorSetAt, getChain, getParams, decay,
  signerReward, performanceAfterSigning, performanceAfterMissing, CATEGORIES, MS_PER_DAY, NEW_VALIDATOR_RECORD,
  type Receipt
} from '../../src/ledger/index.ts'
import { TestChain, V, alice, KEYS_BY_DID, genesisJson, testGenesis, T0 } from './helpers.ts'

const VALIDATION_RATE = CATEGORIES.validation.decayPpmPerDay

/** The `validation` value of `did` as stored, and as decayed to `time`. */
function validation (tc: TestChain, did: string): { value: number, at: number } {
  return getReputationRecord(tc.chain.state, did).validation!
}

test('signers earn base × (1 + performance / 2), the proposer double, plus a tenth in participation', () => {
  assert.equal(signerReward(10_000, 1_000_000), 15_000)
  assert.equal(signerReward(20_000, 1_000_000), 30_000)
  assert.equal(signerReward(10_000, 902_500), 14_512)
  assert.equal(performanceAfterSigning(1_000_000), 1_000_000)
  assert.equal(performanceAfterSigning(902_500), 907_375)
  assert.equal(performanceAfterMissing(1_000_000), 950_000)

  const tc = new TestChain()
  const { block: b1 } = tc.next()
  const { block: b2 } = tc.next() // carries the commit of block 1, signed by all four
  for (const k of V) {
    const base = k.did === b1.header.proposer ? 30_000 : 15_000
    const expected = decay(200_000, VALIDATION_RATE, b2.header.timestamp - T0) + base
    assert.deepEqual(validation(tc, k.did), { value: expected, at: b2.header.timestamp }, k.did)
    assert.deepEqual(getReputationRecord(tc.chain.state, k.did).participation, { value: base / 10, at: b2.header.timestamp })
    assert.deepEqual(getValidatorRecord(tc.chain.state, k.did), { ...NEW_VALIDATOR_RECORD })
  }
})

test('a validator missing from the commit loses 15 × missed points and 5 % performance, then recovers by signing', () => {
  const tc = new TestChain()
  const b1 = tc.next().block
  // x: a validator that proposes none of the blocks whose commits we look at.
  const x = V.map((k) => k.did).find((d) => d !== b1.header.proposer)!
  tc.next([], { absent: [x] }) // block 2: commit of 1 (all sign); its own commit lacks x
  let before = validation(tc, x)
  const b3 = tc.next([], { absent: [x] }).block // block 3: penalizes x once
  assert.deepEqual(getValidatorRecord(tc.chain.state, x), { ...NEW_VALIDATOR_RECORD, missed: 1, performance: 950_000 })
  assert.equal(validation(tc, x).value, decay(before.value, VALIDATION_RATE, b3.header.timestamp - before.at) - 15_000)
  before = validation(tc, x)
  const b4 = tc.next().block // block 4: penalizes x twice over
  assert.deepEqual(getValidatorRecord(tc.chain.state, x), { ...NEW_VALIDATOR_RECORD, missed: 2, performance: 902_500 })
  assert.equal(validation(tc, x).value, decay(before.value, VALIDATION_RATE, b4.header.timestamp - before.at) - 30_000)
  before = validation(tc, x)
  const b5 = tc.next().block // block 5: x signed block 4
  const base = x === b4.header.proposer ? 20_000 : 10_000
  assert.deepEqual(getValidatorRecord(tc.chain.state, x), { ...NEW_VALIDATOR_RECORD, missed: 0, performance: 907_375 })
  assert.equal(validation(tc, x).value, decay(before.value, VALIDATION_RATE, b5.header.timestamp - before.at) + signerReward(base, 902_500))
})

test('five consecutive misses remove a validator; it returns on probation after the recovery time', () => {
  const json = genesisJson()
  const members = (json.members as Array<Record<string, unknown>>).map((m) => (m.did === V[3].did ? { ...m, reputation: { validation: 600 } } : m))
  const tc = new TestChain(testGenesis({ members }))
  const x = V[3].did
  tc.next([], { absent: [x] })
  for (let i = 0; i < 5; i++) {
    assert.ok(validatorSetAt(tc.chain.state).byDid.has(x), `still a validator after ${i} misses`)
    tc.next([], { absent: [x] })
  }
  const record = getValidatorRecord(tc.chain.state, x)
  assert.equal(record.missed, 5)
  assert.equal(record.performance, 773_780)
  assert.notEqual(record.removedAt, null)
  assert.equal(validatorSetAt(tc.chain.state).byDid.has(x), false)
  assert.equal(validatorSetAt(tc.chain.state).validators.length, 3)
  // Still out a moment before the recovery time, back after it.
  const recovery = getParams(tc.chain.state).economics.validatorRecoveryMs
  const removedAt = record.removedAt!
  tc.next([], { gap: removedAt + recovery - 1 - tc.time })
  assert.equal(validatorSetAt(tc.chain.state).byDid.has(x), false)
  tc.next([], { gap: 1 })
  assert.ok(validatorSetAt(tc.chain.state).byDid.has(x))
  // The commit of the last block x missed while still in the set counted a sixth miss.
  const stored = getValidatorRecord(tc.chain.state, x)
  assert.deepEqual([stored.missed, stored.performance, stored.removedAt], [6, 735_091, removedAt])
  assert.deepEqual(effectiveValidatorRecord(stored, tc.time, getParams(tc.chain.state)), { ...stored, missed: 0, removedAt: null })
})

test('performance below the minimum removes a validator before five misses', () => {
  const tc = new TestChain(testGenesis({ consensus: { minPerformance: 900_000 } }))
  const x = V[2].did
  tc.next([], { absent: [x] })
  tc.next([], { absent: [x] })
  tc.next([], { absent: [x] })
  assert.ok(validatorSetAt(tc.chain.state).byDid.has(x), 'performance 0.9025 is still enough')
  tc.next([], { absent: [x] })
  assert.equal(getValidatorRecord(tc.chain.state, x).performance, 857_375)
  assert.equal(validatorSetAt(tc.chain.state).byDid.has(x), false)
})

test('proposers follow the weighted draw with cooldown: four blocks, four different proposers', () => {
  const tc = new TestChain()
  const proposers: string[] = []
  for (let i = 0; i < 8; i++) {
    const expected = tc.chain.proposer(0)
    const { block } = tc.next()
    assert.equal(block.header.proposer, expected)
    proposers.push(block.header.proposer!)
  }
  for (let i = 3; i < proposers.length; i++) assert.equal(new Set(proposers.slice(i - 3, i + 1)).size, 4, proposers.join())
  assert.deepEqual(getChain(tc.chain.state).recentProposers, proposers.slice(-3).reverse())
  // Another round has its own (deterministic) proposer; the block is valid with it.
  const r1 = tc.chain.proposer(1)
  const { block } = tc.next([], { round: 1 })
  assert.equal(block.header.proposer, r1)
})

function doubleSign (tc: TestChain, did: string, height: number, round: number): [Vote, Vote] {
  const key = KEYS_BY_DID.get(did)!
  const body = { network: tc.network, shard: 0, height, round, type: VoteType.Precommit, validator: did }
  return [signVote(key, { ...body, block: cidOf('block A') }), signVote(key, { ...body, block: cidOf('block B') })]
}

function receipts (tc: TestChain, ...txs: Parameters<TestChain['next']>[0] & object): Receipt[] {
  return tc.next(txs).executed.receipts
}

test('evidence of a double-sign: level 1 costs 5 %, level 2 7.5 %, level 3 excludes for good; each offence once', () => {
  const tc = new TestChain()
  tc.next()
  const x = V[1].did
  const [a, b] = doubleSign(tc, x, 1, 0)
  const before = getReputationRecord(tc.chain.state, x)
  const [r] = receipts(tc, tc.tx(alice, 'evidence', { voteA: a, voteB: b }))
  assert.deepEqual([r!.ok, r!.code], [true, null])
  const t = tc.time
  assert.equal(getValidatorRecord(tc.chain.state, x).sanctionLevel, 1)
  assert.equal(getValidatorRecord(tc.chain.state, x).lastOffenceAt, t)
  const after = getReputationRecord(tc.chain.state, x)
  // 95 % of every category is kept (after this block's rewards, which came first).
  const prev = before.community_building!
  assert.equal(after.community_building!.value, Math.floor(decay(prev.value, CATEGORIES.community_building.decayPpmPerDay, t - prev.at) * 950_000 / 1_000_000))
  for (const agg of Object.values(after)) assert.equal(agg.at, t)

  // The same offence again (in either order) is refused.
  const [dup, swapped] = receipts(tc, tc.tx(alice, 'evidence', { voteA: a, voteB: b }), tc.tx(V[0], 'evidence', { voteA: b, voteB: a }))
  assert.equal(dup!.code, 'DUPLICATE_EVIDENCE')
  assert.equal(swapped!.code, 'DUPLICATE_EVIDENCE')

  const level2Before = getReputationRecord(tc.chain.state, x).community_building!
  const [c2, d2] = doubleSign(tc, x, 2, 1)
  assert.equal(receipts(tc, tc.tx(alice, 'evidence', { voteA: c2, voteB: d2 }))[0]!.code, null)
  assert.equal(getValidatorRecord(tc.chain.state, x).sanctionLevel, 2)
  const kept = getReputationRecord(tc.chain.state, x).community_building!.value
  const decayed = decay(level2Before.value, CATEGORIES.community_building.decayPpmPerDay, tc.time - level2Before.at)
  assert.equal(kept, Math.floor(decayed * 925_000 / 1_000_000))

  const [e3, f3] = doubleSign(tc, x, 3, 0)
  assert.equal(receipts(tc, tc.tx(alice, 'evidence', { voteA: e3, voteB: f3 }))[0]!.code, null)
  assert.equal(getValidatorRecord(tc.chain.state, x).sanctionLevel, 3)
  assert.equal(validatorSetAt(tc.chain.state).byDid.has(x), false)
  // Permanent: a month later the level has not dropped.
  const params = getParams(tc.chain.state)
  assert.equal(effectiveValidatorRecord(getValidatorRecord(tc.chain.state, x), tc.time + 30 * MS_PER_DAY, params).sanctionLevel, 3)
})

test('sanction levels below exclusion drop by one per 7 days without offence', () => {
  const params = getParams(new TestChain().chain.state)
  const week = 7 * MS_PER_DAY
  const record = { ...NEW_VALIDATOR_RECORD, sanctionLevel: 2, lastOffenceAt: T0 }
  assert.equal(effectiveValidatorRecord(record, T0 + week - 1, params).sanctionLevel, 2)
  const one = effectiveValidatorRecord(record, T0 + week, params)
  assert.deepEqual([one.sanctionLevel, one.lastOffenceAt], [1, T0 + week])
  // Stored after the first drop, the second comes a full week later, not earlier.
  assert.equal(effectiveValidatorRecord(one, T0 + week + 1, params).sanctionLevel, 1)
  assert.equal(effectiveValidatorRecord(one, T0 + 2 * week, params).sanctionLevel, 0)
  assert.equal(effectiveValidatorRecord(record, T0 + 5 * week, params).sanctionLevel, 0)
})

test('invalid evidence is refused with INVALID_EVIDENCE', () => {
  const tc = new TestChain()
  tc.next()
  const x = V[1].did
  const [a, b] = doubleSign(tc, x, 1, 0)
  const [other] = doubleSign(tc, V[2].did, 1, 0)
  const [future, future2] = doubleSign(tc, x, 50, 0)
  const forged = { ...b, signature: new Uint8Array(64) }
  const otherNet = signVote(KEYS_BY_DID.get(x)!, { network: cidOf('elsewhere'), shard: 0, height: 1, round: 0, type: VoteType.Precommit, block: cidOf('C'), validator: x })
  const codes = receipts(tc,
    tc.tx(alice, 'evidence', { voteA: a, voteB: a }),
    tc.tx(alice, 'evidence', { voteA: a, voteB: other! }),
    tc.tx(alice, 'evidence', { voteA: a, voteB: forged }),
    tc.tx(alice, 'evidence', { voteA: a, voteB: otherNet }),
    tc.tx(alice, 'evidence', { voteA: future, voteB: future2 })
  ).map((r) => r.code)
  assert.deepEqual(codes, ['INVALID_EVIDENCE', 'INVALID_EVIDENCE', 'INVALID_EVIDENCE', 'INVALID_EVIDENCE', 'INVALID_EVIDENCE'])
  assert.equal(getValidatorRecord(tc.chain.state, x).sanctionLevel, 0)
})

test('block time drives reputation decay between blocks', () => {
  const tc = new TestChain()
  const { block } = tc.next([], { gap: 30 * MS_PER_DAY })
  const rec = getReputationRecord(tc.chain.state, V[0].did).validation!
  // No commit in block 1, so no reward: the genesis 200 points, read 30 days later at rate 0.1 = e^-3.
  assert.equal(rec.value, 200_000)
  assert.equal(decay(rec.value, VALIDATION_RATE, block.header.timestamp - rec.at), 9_957)
})
