/**
 * Locking and the valid value (lines 28–43): a locked validator prevotes nil for another block
 * unless a proof of lock (POL) from a round at or after its lock says otherwise, and a proposer
 * re-proposes its valid value with that POL round.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../src/codec/index.ts'
import { Harness, testApp, keys, makeSet, block, VoteType, type TestBlock } from './harness.ts'

const K = keys(4)
const [A, B, C, D] = K as [typeof K[0], typeof K[0], typeof K[0], typeof K[0]]

function setup (proposer: (h: number, r: number) => string = (_h, r) => K[(r + 1) % 4]!.did): Harness {
  return new Harness({ me: A, app: testApp({ set: makeSet(K, [1, 1, 1, 1]), proposer }) })
}

/** Round `r`: proposal of `b` by its proposer, 2/3 prevotes for it → A locks on b and precommits it. */
function lockIn (h: Harness, r: number, b: TestBlock, proposer = K[(r + 1) % 4]!): void {
  h.propose(proposer, b, r)
  h.vote(B, r, VoteType.Prevote, b)
  h.vote(C, r, VoteType.Prevote, b)
}

/** Ends round `r` with nil precommits from others so A moves to r + 1. */
function endRound (h: Harness, r: number): void {
  h.vote(B, r, VoteType.Precommit, null)
  h.vote(C, r, VoteType.Precommit, null)
  h.timeout(r, 'precommit')
}

describe('locking', () => {
  it('locks on a block with 2/3 prevotes and precommits it', () => {
    const h = setup()
    h.start()
    const x = block(1, 0, B, 'x')
    lockIn(h, 0, x)
    const s = h.engine.state()
    assert.equal(s.lockedRound, 0)
    assert.ok(s.lockedBlock!.equals(cidOf(x)))
    assert.equal(s.validRound, 0)
    assert.ok(h.lastVote(VoteType.Precommit)!.block!.equals(cidOf(x)))
  })

  it('a locked validator prevotes nil for a different fresh proposal', () => {
    const h = setup()
    h.start()
    lockIn(h, 0, block(1, 0, B, 'x'))
    endRound(h, 0)
    h.propose(C, block(1, 1, C, 'y'), 1)
    assert.equal(h.lastVote(VoteType.Prevote)!.round, 1)
    assert.equal(h.lastVote(VoteType.Prevote)!.block, null)
  })

  it('a locked validator prevotes its locked block when it is proposed again', () => {
    const h = setup()
    h.start()
    const x = block(1, 0, B, 'x')
    lockIn(h, 0, x)
    endRound(h, 0)
    h.propose(C, x, 1, 0)
    assert.ok(h.lastVote(VoteType.Prevote)!.block!.equals(cidOf(x)))
  })

  it('unlocks on a POL newer than the lock: prevotes the re-proposed block', () => {
    const h = setup()
    h.start()
    lockIn(h, 0, block(1, 0, B, 'x'))
    endRound(h, 0)
    // Round 1: A is away from the action (times out, prevotes nil) while B, C, D prevote y.
    const y = block(1, 1, C, 'y')
    h.timeout(1, 'propose')
    for (const k of [B, C, D]) h.vote(k, 1, VoteType.Prevote, y)
    endRound(h, 1)
    // Round 2: y re-proposed with POL round 1 > lockedRound 0.
    h.propose(D, y, 2, 1)
    const pv = h.lastVote(VoteType.Prevote)!
    assert.equal(pv.round, 2)
    assert.ok(pv.block!.equals(cidOf(y)))
  })

  it('a POL older than the lock does not unlock', () => {
    const h = setup()
    h.start()
    // Round 0: 2/3 prevote y, but A misses the proposal and precommits nil (no lock).
    const y = block(1, 0, B, 'y')
    h.timeout(0, 'propose')
    for (const k of [B, C, D]) h.vote(k, 0, VoteType.Prevote, y)
    endRound(h, 0)
    // Round 1: A locks on x.
    lockIn(h, 1, block(1, 1, C, 'x'))
    endRound(h, 1)
    // Round 2: y with POL round 0 < lockedRound 1: nil.
    h.propose(D, y, 2, 0)
    assert.equal(h.lastVote(VoteType.Prevote)!.round, 2)
    assert.equal(h.lastVote(VoteType.Prevote)!.block, null)
  })

  it('a POL from the lock\'s own round also unlocks (lockedRound ≤ vr, as in the paper)', () => {
    const h = setup()
    h.start()
    const x = block(1, 0, B, 'x')
    const y = block(1, 0, B, 'y')
    lockIn(h, 0, x) // A, B, C prevote x
    // B and C equivocate: with D they make a POL for y in the same round (beyond f, but the rule is the rule).
    for (const k of [B, C, D]) h.vote(k, 0, VoteType.Prevote, y)
    endRound(h, 0)
    h.propose(C, y, 1, 0)
    assert.equal(h.lastVote(VoteType.Prevote)!.round, 1)
    assert.ok(h.lastVote(VoteType.Prevote)!.block!.equals(cidOf(y)))
  })

  it('waits (no prevote) for a re-proposal until its POL is seen, then acts on it', () => {
    const h = setup()
    h.start()
    const y = block(1, 0, B, 'y')
    h.timeout(0, 'propose')
    endRound(h, 0)
    h.propose(C, y, 1, 0)
    assert.equal(h.votes(VoteType.Prevote).filter((v) => v.round === 1).length, 0)
    for (const k of [B, C, D]) h.vote(k, 0, VoteType.Prevote, y)
    assert.ok(h.lastVote(VoteType.Prevote)!.block!.equals(cidOf(y)))
  })

  it('a proposer re-proposes its valid value with the POL round', () => {
    const h = setup((_h, r) => (r === 1 ? A.did : K[(r + 1) % 4]!.did))
    h.start()
    const x = block(1, 0, B, 'x')
    lockIn(h, 0, x)
    endRound(h, 0)
    const [p] = h.of('broadcast-proposal')
    assert.ok(p)
    assert.equal(p.proposal.round, 1)
    assert.equal(p.proposal.validRound, 0)
    assert.ok(p.proposal.block.equals(cidOf(x)))
    assert.equal(h.app.built.length, 0, 'no new block is built when a valid value exists')
  })
})

describe('valid value after the precommit step (line 36 with step = precommit)', () => {
  it('records validValue/validRound but neither locks nor precommits again', () => {
    const h = setup()
    h.start()
    const x = block(1, 0, B, 'x')
    h.timeout(0, 'propose') // A prevotes nil
    h.vote(B, 0, VoteType.Prevote, x)
    h.vote(C, 0, VoteType.Prevote, x)
    h.timeout(0, 'prevote') // 2/3 of any prevotes, no quorum: A precommits nil
    assert.equal(h.lastVote(VoteType.Precommit)!.block, null)
    h.propose(B, x, 0)
    assert.equal(h.engine.state().validRound, -1, 'x has 2 of 4 prevotes')
    h.vote(D, 0, VoteType.Prevote, x)
    const s = h.engine.state()
    assert.equal(s.validRound, 0)
    assert.ok(s.validBlock!.equals(cidOf(x)))
    assert.equal(s.lockedRound, -1)
    assert.equal(h.votes(VoteType.Precommit).length, 1)
  })
})

describe('learning a late POL (liveness extension)', () => {
  it('adopts a POL from an earlier round as valid value, not as lock, and re-proposes it', () => {
    const h = setup((_h, r) => (r === 3 ? A.did : K[(r + 1) % 4]!.did))
    h.start()
    const x = block(1, 0, B, 'x')
    lockIn(h, 0, x) // locked on x in round 0
    endRound(h, 0)
    h.timeout(1, 'propose')
    for (const k of [B, C]) h.vote(k, 1, VoteType.Precommit, null)
    h.timeout(1, 'precommit')
    assert.equal(h.engine.state().round, 2)
    // Round 1's proposal y and its POL reach A only now.
    const y = block(1, 1, C, 'y')
    h.propose(C, y, 1)
    for (const k of [B, C, D]) h.vote(k, 1, VoteType.Prevote, y)
    const s = h.engine.state()
    assert.equal(s.validRound, 1)
    assert.ok(s.validBlock!.equals(cidOf(y)))
    assert.equal(s.lockedRound, 0, 'the lock does not move')
    assert.ok(s.lockedBlock!.equals(cidOf(x)))
    h.timeout(2, 'propose')
    for (const k of [B, C]) h.vote(k, 2, VoteType.Precommit, null)
    h.timeout(2, 'precommit')
    const p = h.of('broadcast-proposal').at(-1)!
    assert.deepEqual([p.proposal.round, p.proposal.validRound], [3, 1])
    assert.ok(p.proposal.block.equals(cidOf(y)))
  })

  it('ignores a POL older than its valid round', () => {
    const h = setup()
    h.start()
    const x = block(1, 0, B, 'x')
    h.timeout(0, 'propose')
    endRound(h, 0)
    lockIn(h, 1, block(1, 1, C, 'z'))
    endRound(h, 1)
    h.propose(B, x, 0)
    for (const k of [B, C, D]) h.vote(k, 0, VoteType.Prevote, x)
    assert.equal(h.engine.state().validRound, 1)
  })
})
