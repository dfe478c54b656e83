/**
 * What the engine lets in: typed rejections of wrong messages, duplicates, equivocation evidence,
 * next-height buffering, sync commits, re-broadcast when stuck, and nodes that only follow.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../src/codec/index.ts'
import { verifyDuplicateVoteEvidence, buildCommit, type Vote } from '../../src/consensus/index.ts'
import { Harness, testApp, keys, makeSet, block, vote, proposal, VoteType, NETWORK, OTHER_NETWORK } from './harness.ts'

const K = keys(5)
const [A, B, C, D, E] = K as [typeof K[0], typeof K[0], typeof K[0], typeof K[0], typeof K[0]]
const V = K.slice(0, 4) // E is not a validator

function setup (opts: { me?: typeof A | null, rebroadcastMs?: number } = {}): Harness {
  const app = testApp({ set: makeSet(V, [1, 1, 1, 1]), proposer: (_h, r) => V[(r + 1) % 4]!.did })
  return new Harness({ ...(opts.me === null ? {} : { me: opts.me ?? A }), app, ...(opts.rebroadcastMs !== undefined ? { rebroadcastMs: opts.rebroadcastMs } : {}) })
}

describe('rejections carry typed codes', () => {
  it('refuses wrong network, shard, height, validator, signature, proposer, block, validRound', () => {
    const h = setup()
    assert.deepEqual(h.rejected(h.vote(B, 0, VoteType.Prevote, null)), ['NOT_STARTED'])
    h.start(5)
    const b = block(5, 0, B, 'x')
    const cases: Array<[string, Vote | null, ReturnType<typeof proposal> | null]> = [
      ['WRONG_NETWORK', vote(B, 5, 0, VoteType.Prevote, null, OTHER_NETWORK), null],
      ['WRONG_SHARD', vote(B, 5, 0, VoteType.Prevote, null, NETWORK, 1), null],
      ['OLD_HEIGHT', vote(B, 4, 0, VoteType.Prevote, null), null],
      ['FUTURE_HEIGHT', vote(B, 9, 0, VoteType.Prevote, null), null],
      ['UNKNOWN_VALIDATOR', vote(E, 5, 0, VoteType.Prevote, null), null],
      ['BAD_SIGNATURE', { ...vote(B, 5, 0, VoteType.Prevote, null), validator: C.did }, null],
      ['WRONG_PROPOSER', null, proposal(C, b, 0)],
      ['BAD_SIGNATURE', null, { ...proposal(B, b, 0), signature: proposal(B, b, 1).signature }],
      ['INVALID_VALID_ROUND', null, proposal(B, b, 0, 0)]
    ]
    for (const [code, v, p] of cases) {
      const out = v !== null ? h.step({ type: 'vote', vote: v }) : h.step({ type: 'proposal', proposal: p!, block: b })
      assert.deepEqual(h.rejected(out), [code], code)
    }
    const mismatch = h.step({ type: 'proposal', proposal: proposal(B, b, 0), block: block(5, 0, B, 'other') })
    assert.deepEqual(h.rejected(mismatch), ['BLOCK_MISMATCH'])
    assert.equal(h.votes().length, 0, 'nothing rejected moved the engine')
    const r = h.of('rejected').find((o) => o.error.code === 'BAD_SIGNATURE')!
    assert.equal(r.error.name, 'ConsensusError')
    assert.equal(r.error.action, 'reject')
    assert.equal(h.of('rejected').find((o) => o.error.code === 'OLD_HEIGHT')!.error.action, 'ignore')
  })

  it('a message far ahead says we are behind (rate limited) and names the peer', () => {
    const h = setup()
    h.start(1)
    const out = h.step({ type: 'vote', vote: vote(B, 7, 0, VoteType.Prevote, null), from: 'peer-b' })
    assert.deepEqual(h.of('behind', out).map((o) => [o.height, o.from]), [[7, 'peer-b']])
    assert.equal(h.of('behind', h.step({ type: 'vote', vote: vote(C, 7, 0, VoteType.Prevote, null) })).length, 0)
  })
})

describe('one vote per validator per round', () => {
  it('the same vote twice counts once', () => {
    const h = setup()
    h.start()
    const v = vote(B, 1, 0, VoteType.Prevote, null)
    h.step({ type: 'vote', vote: v })
    assert.deepEqual(h.rejected(h.step({ type: 'vote', vote: v })), ['DUPLICATE'])
  })

  it('a conflicting second vote is evidence; it counts for its own value but never twice in the total', () => {
    const h = setup()
    h.start()
    h.timeout(0, 'propose') // A: nil
    const x = block(1, 0, B, 'x')
    const first = vote(B, 1, 0, VoteType.Prevote, null)
    const second = vote(B, 1, 0, VoteType.Prevote, x)
    h.step({ type: 'vote', vote: first })
    const out = h.step({ type: 'vote', vote: second })
    const [ev] = h.of('evidence', out)
    assert.ok(ev)
    assert.equal(ev.evidence.kind, 'duplicate-vote')
    if (ev.evidence.kind !== 'duplicate-vote') return
    assert.deepEqual([ev.evidence.first, ev.evidence.second], [first, second])
    verifyDuplicateVoteEvidence(NETWORK, 0, ev.evidence.first, ev.evidence.second)
    // Had B counted twice, A + B(nil) + B(x) would be 2/3 of any and schedule the prevote timeout.
    assert.equal(h.of('schedule-timeout').filter((o) => o.timeout.step === 'prevote').length, 0)
    // Reported once.
    assert.equal(h.of('evidence', h.step({ type: 'vote', vote: vote(B, 1, 0, VoteType.Prevote, block(1, 0, B, 'z')) })).length, 0)
    // Per value, as the paper counts messages: B's x vote with C's and D's is 2/3 for x.
    h.propose(B, x, 0)
    h.vote(C, 0, VoteType.Prevote, x)
    assert.equal(h.votes(VoteType.Precommit).length, 0)
    h.vote(D, 0, VoteType.Prevote, x)
    assert.ok(h.lastVote(VoteType.Precommit)!.block!.equals(cidOf(x)))
  })

  it('keeps at most three values per equivocating validator and round', () => {
    const h = setup()
    h.start()
    const codes = ['nil', 'x', 'y', 'z'].map((p) => h.rejected(h.step({ type: 'vote', vote: vote(B, 1, 0, VoteType.Prevote, p === 'nil' ? null : block(1, 0, B, p)) })))
    assert.deepEqual(codes, [[], [], [], ['DUPLICATE']])
  })

  it('a forged conflicting vote is a bad signature, not evidence', () => {
    const h = setup()
    h.start()
    h.vote(B, 0, VoteType.Prevote, null)
    const forged = { ...vote(B, 1, 0, VoteType.Prevote, block(1, 0, B, 'x')), signature: vote(B, 1, 0, VoteType.Prevote, null).signature }
    const out = h.step({ type: 'vote', vote: forged })
    assert.deepEqual(h.rejected(out), ['BAD_SIGNATURE'])
    assert.equal(h.of('evidence', out).length, 0)
  })

  it('two signed proposals for one round are evidence; the second block can still be decided', () => {
    const h = setup()
    h.start()
    const x = block(1, 0, B, 'x')
    const y = block(1, 0, B, 'y')
    h.propose(B, x, 0)
    const out = h.propose(B, y, 0)
    assert.equal(h.of('evidence', out)[0]?.evidence.kind, 'duplicate-proposal')
    for (const k of [B, C, D]) h.vote(k, 0, VoteType.Precommit, y)
    assert.deepEqual(h.of('decide')[0]?.block, y)
  })

  it('keeps a bounded number of rounds ahead per validator', () => {
    const h = setup()
    h.start()
    for (let r = 1; r <= 4; r++) assert.deepEqual(h.rejected(h.vote(B, r, VoteType.Prevote, null)), [])
    assert.deepEqual(h.rejected(h.vote(B, 5, VoteType.Prevote, null)), ['TOO_MANY_FUTURE_ROUNDS'])
  })
})

describe('next height and sync', () => {
  it('buffers messages for the next height and processes them when it starts', () => {
    const h = setup()
    h.start()
    const next = block(2, 0, B, 'n')
    assert.deepEqual(h.rejected(h.propose(B, next, 0)), [])
    const x = block(1, 0, B, 'x')
    h.propose(B, x, 0)
    for (const k of [B, C, D]) h.vote(k, 0, VoteType.Precommit, x)
    const commit = h.of('decide')[0]!.commit
    h.start(2, commit)
    const pv = h.lastVote(VoteType.Prevote)!
    assert.equal(pv.height, 2)
    assert.ok(pv.block!.equals(cidOf(next)))
  })

  it('decides from a verified sync commit, refuses a weak or mismatched one', () => {
    const h = setup()
    h.start()
    const x = block(1, 0, B, 'x')
    const sigs = (ks: typeof V): Vote[] => ks.map((k) => vote(k, 1, 3, VoteType.Precommit, x))
    const weak = buildCommit(1, 3, cidOf(x), sigs([B, C]))
    assert.deepEqual(h.rejected(h.step({ type: 'commit', block: x, commit: weak })), ['COMMIT_INSUFFICIENT_POWER'])
    const good = buildCommit(1, 3, cidOf(x), sigs([B, C, D]))
    assert.deepEqual(h.rejected(h.step({ type: 'commit', block: block(1, 0, B, 'y'), commit: good })), ['BLOCK_MISMATCH'])
    const out = h.step({ type: 'commit', block: x, commit: good })
    assert.deepEqual(h.of('decide', out).map((d) => [d.height, d.round]), [[1, 3]])
    assert.deepEqual(h.rejected(h.step({ type: 'commit', block: x, commit: good })), ['OLD_HEIGHT'])
  })

  it('a start out of order is refused', () => {
    const h = setup()
    h.start(3)
    assert.deepEqual(h.rejected(h.start(4)), ['UNEXPECTED_START'])
  })
})

describe('stuck: re-broadcast', () => {
  it('after rebroadcastMs without progress re-sends the round\'s proposal and votes, then waits again', () => {
    const h = setup({ rebroadcastMs: 500 })
    h.start()
    const x = block(1, 0, B, 'x')
    h.propose(B, x, 0)
    h.vote(C, 0, VoteType.Prevote, x)
    assert.deepEqual(h.step({ type: 'tick', now: h.now + 499 }), [])
    const out = h.step({ type: 'tick', now: h.now + 500 })
    assert.equal(h.of('broadcast-proposal', out).length, 1)
    assert.deepEqual(h.of('broadcast-vote', out).map((o) => o.vote.validator).sort(), [A.did, C.did].sort())
    assert.deepEqual(h.step({ type: 'tick', now: h.now + 700 }), [])
  })

  it('when stuck with next-height messages buffered, says it is behind', () => {
    const h = setup({ rebroadcastMs: 500 })
    h.start()
    h.step({ type: 'vote', vote: vote(B, 2, 0, VoteType.Prevote, null), from: 'peer-b' })
    const out = h.step({ type: 'tick', now: h.now + 600 })
    assert.deepEqual(h.of('behind', out).map((o) => [o.height, o.from]), [[2, 'peer-b']])
  })
})

describe('a node that only follows', () => {
  it('decides without ever signing', () => {
    const h = setup({ me: null })
    h.start()
    const x = block(1, 0, B, 'x')
    h.propose(B, x, 0)
    for (const k of [B, C, D]) h.vote(k, 0, VoteType.Prevote, x)
    for (const k of [B, C, D]) h.vote(k, 0, VoteType.Precommit, x)
    assert.equal(h.of('decide').length, 1)
    assert.equal(h.votes().length, 0)
    assert.equal(h.engine.state().validator, false)
  })

  it('a node whose key is not in the set does not propose even if named', () => {
    const app = testApp({ set: makeSet(V, [1, 1, 1, 1]), proposer: () => E.did })
    const h = new Harness({ me: E, app })
    h.start()
    assert.equal(h.of('broadcast-proposal').length, 0)
  })
})
