import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../src/codec/index.ts'
import {
  capPowers, computeValidatorSet, isEligible, selectProposer, hasTwoThirds, hasOneThird,
  DEFAULT_CONSENSUS_PARAMS, PPM, REPUTATION_SCALE, type ValidatorCandidate
} from '../../src/consensus/index.ts'
import { keys } from './harness.ts'
import { Prng } from './simulator/prng.ts'

const P = DEFAULT_CONSENSUS_PARAMS
const K = keys(12)

function candidate (i: number, over: Partial<ValidatorCandidate> = {}): ValidatorCandidate {
  return { did: K[i]!.did, reputation: 500 * REPUTATION_SCALE, performance: PPM, missed: 0, sanctionLevel: 0, member: true, ...over }
}

/** No value above c·total with c = max(maxShare, 1/n), checked exactly in integers. */
function assertCapped (out: bigint[], maxShare: number): void {
  const n = BigInt(out.length)
  const total = out.reduce((a, b) => a + b, 0n)
  const oneOverN = n * BigInt(maxShare) < BigInt(PPM)
  for (const p of out) {
    if (oneOverN) assert.ok(p * n <= total, `${p} above 1/${n} of ${total}`)
    else assert.ok(p * BigInt(PPM) <= BigInt(maxShare) * total, `${p} above ${maxShare} ppm of ${total}`)
  }
}

describe('capPowers (water-filling)', () => {
  it('no validator holds more than max(10%, 1/n) of the final total, on thousands of random sets', () => {
    const rng = new Prng(42)
    for (let c = 0; c < 2000; c++) {
      const n = rng.range(1, 40)
      const heavy = rng.chance(0.3)
      const raw = Array.from({ length: n }, () => BigInt(heavy && rng.chance(0.2) ? rng.range(1, 1e9) : rng.range(1, 1e6)))
      const share = rng.pick([100_000, 50_000, 250_000, 333_333, PPM])
      const out = capPowers(raw, share)
      assert.equal(out.length, n)
      assertCapped(out, share)
      for (let i = 0; i < n; i++) {
        assert.ok(out[i]! <= raw[i]!, 'capping never raises a power')
        assert.ok(out[i]! > 0n, 'positive powers stay positive')
        for (let j = 0; j < n; j++) if (raw[i]! >= raw[j]!) assert.ok(out[i]! >= out[j]!, 'order is kept')
      }
    }
  })

  it('leaves a set that needs no cap untouched', () => {
    const raw = Array.from({ length: 12 }, (_, i) => BigInt(100 + i))
    assert.deepEqual(capPowers(raw, 100_000), raw)
  })

  it('lowers a whale to exactly the cap of the final total', () => {
    const raw = [...Array.from({ length: 19 }, () => 100n), 10_000n]
    const out = capPowers(raw, 100_000)
    const total = out.reduce((a, b) => a + b, 0n)
    // x = 0.1·(x + 1900) → x = 211 (floored)
    assert.equal(out[19], 211n)
    assert.ok(out[19]! * 10n <= total)
    assert.deepEqual(out.slice(0, 19), raw.slice(0, 19))
  })

  it('with fewer than 10 validators the 1/n cap makes powers equal', () => {
    assert.deepEqual(capPowers([100n, 200n, 300n, 400n], 100_000), [100n, 100n, 100n, 100n])
    assert.deepEqual(capPowers([], 100_000), [])
  })
})

describe('eligibility and the validator set', () => {
  it('filters non-members, low reputation or performance, too many misses, high sanctions', () => {
    assert.equal(isEligible(candidate(0), P), true)
    assert.equal(isEligible(candidate(0, { member: false }), P), false)
    assert.equal(isEligible(candidate(0, { reputation: P.minValidatorReputation - 1 }), P), false)
    assert.equal(isEligible(candidate(0, { reputation: P.minValidatorReputation }), P), true)
    assert.equal(isEligible(candidate(0, { performance: P.minPerformance - 1 }), P), false)
    assert.equal(isEligible(candidate(0, { performance: P.minPerformance }), P), true)
    assert.equal(isEligible(candidate(0, { missed: P.maxMissedRounds }), P), false)
    assert.equal(isEligible(candidate(0, { missed: P.maxMissedRounds - 1 }), P), true)
    assert.equal(isEligible(candidate(0, { sanctionLevel: P.exclusionSanctionLevel }), P), false)
    assert.equal(isEligible(candidate(0, { sanctionLevel: P.exclusionSanctionLevel - 1 }), P), true)
  })

  it('derives a sorted set with weight = reputation × performance and capped power', () => {
    const cands = Array.from({ length: 12 }, (_, i) => candidate(i, { reputation: (100 + 50 * i) * REPUTATION_SCALE, performance: 600_000 + 30_000 * i }))
    cands.push(candidate(0, { did: keys(13)[12]!.did, member: false }))
    const set = computeValidatorSet(cands, P)
    assert.equal(set.validators.length, 12)
    assert.deepEqual(set.validators.map((v) => v.did), [...set.validators.map((v) => v.did)].sort())
    const c5 = cands[5]!
    assert.equal(set.byDid.get(c5.did)!.weight, BigInt(c5.reputation) * BigInt(c5.performance) / BigInt(PPM))
    assert.equal(set.totalPower, set.validators.reduce((a, v) => a + v.power, 0n))
    assertCapped(set.validators.map((v) => v.power), P.maxVotingPower)
  })

  it('thresholds are strict: exactly 2/3 or exactly 1/3 is not enough', () => {
    const set = computeValidatorSet(Array.from({ length: 3 }, (_, i) => candidate(i)), P)
    const each = set.validators[0]!.power
    assert.equal(hasTwoThirds(set, 2n * each), false)
    assert.equal(hasTwoThirds(set, 2n * each + 1n), true)
    assert.equal(hasOneThird(set, each), false)
    assert.equal(hasOneThird(set, each + 1n), true)
  })
})

describe('selectProposer', () => {
  const set = computeValidatorSet(Array.from({ length: 6 }, (_, i) => candidate(i, { reputation: (100 + 100 * i) * REPUTATION_SCALE })), P)
  const parent = cidOf({ parent: 1 })

  it('is a deterministic function of the parent CID and the round', () => {
    for (let r = 0; r < 20; r++) assert.equal(selectProposer(set, parent, r, [], 3).did, selectProposer(set, parent, r, [], 3).did)
    const a = Array.from({ length: 30 }, (_, r) => selectProposer(set, parent, r, [], 3).did)
    const b = Array.from({ length: 30 }, (_, r) => selectProposer(set, cidOf({ parent: 2 }), r, [], 3).did)
    assert.notDeepEqual(a, b)
  })

  it('draws in proportion to reputation × performance', () => {
    const counts = new Map<string, number>()
    for (let r = 0; r < 6000; r++) {
      const d = selectProposer(set, parent, r, [], 3).did
      counts.set(d, (counts.get(d) ?? 0) + 1)
    }
    const total = set.validators.reduce((a, v) => a + v.weight, 0n)
    for (const v of set.validators) {
      const expected = 6000 * Number(v.weight) / Number(total)
      assert.ok(Math.abs((counts.get(v.did) ?? 0) - expected) < expected * 0.25 + 30, `${v.did}: ${counts.get(v.did)} vs ${expected}`)
    }
  })

  it('in round 0 skips the proposers of the last min(cooldown, n − 1) blocks', () => {
    const recent = set.validators.slice(0, 3).map((v) => v.did)
    const parents = Array.from({ length: 200 }, (_, i) => cidOf({ parent: i }))
    for (const p of parents) assert.ok(!recent.includes(selectProposer(set, p, 0, recent, 3).did))
    // Cooldown 1 only skips the newest.
    const seen = new Set(parents.map((p) => selectProposer(set, p, 0, recent, 1).did))
    assert.ok(!seen.has(recent[0]!))
    assert.ok(seen.has(recent[1]!))
  })

  it('from round 1 on everyone can be drawn, so a locked validator can re-propose its block', () => {
    const recent = set.validators.slice(0, 3).map((v) => v.did)
    const seen = new Set(Array.from({ length: 200 }, (_, r) => selectProposer(set, parent, r + 1, recent, 3).did))
    for (const d of recent) assert.ok(seen.has(d))
  })

  it('never blocks everyone: with 2 validators and cooldown 3 only one sits out', () => {
    const two = computeValidatorSet([candidate(0), candidate(1)], P)
    const last = two.validators[0]!.did
    for (let i = 0; i < 50; i++) assert.equal(selectProposer(two, cidOf({ parent: i }), 0, [last, two.validators[1]!.did], 3).did, two.validators[1]!.did)
  })

  it('refuses an empty set', () => {
    assert.throws(() => selectProposer(computeValidatorSet([], P), parent, 0, [], 3))
  })
})
