/**
 * The Tendermint upon-rules one at a time on a single engine: proposing, prevoting, thresholds
 * (exactly 2/3 is not enough), timeouts and round progression, round skipping, deciding.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../src/codec/index.ts'
import { verifyCommit, timeoutDuration, DEFAULT_CONSENSUS_PARAMS, type ValidatorSet } from '../../src/consensus/index.ts'
import { Harness, testApp, keys, makeSet, block, VoteType, NETWORK, PARAMS } from './harness.ts'

const K = keys(4)
const [A, B, C, D] = K as [typeof K[0], typeof K[0], typeof K[0], typeof K[0]]

/** Engine of validator A; proposer of round r is K[(r + 1) % 4] unless told otherwise. */
function setup (opts: { powers?: number[], proposer?: (h: number, r: number) => string, invalid?: string[] } = {}): { h: Harness, set: ValidatorSet } {
  const set = makeSet(K, opts.powers ?? [1, 1, 1, 1])
  const app = testApp({ set, proposer: opts.proposer ?? ((_h, r) => K[(r + 1) % 4]!.did), invalid: new Set(opts.invalid ?? []) })
  return { h: new Harness({ me: A, app }), set }
}

describe('starting a height', () => {
  it('a proposer builds, logs and broadcasts its proposal, and prevotes its own block', () => {
    const { h } = setup({ proposer: () => A.did })
    const out = h.start()
    const kinds = out.map((o) => o.type === 'wal' ? `wal:${o.entry.type}` : o.type)
    assert.deepEqual(kinds.slice(0, 4), ['wal:start', 'wal:proposal', 'broadcast-proposal', 'schedule-timeout'])
    const [p] = h.of('broadcast-proposal', out)
    assert.equal(p!.proposal.proposer, A.did)
    assert.equal(p!.proposal.validRound, null)
    assert.equal(p!.block.timestamp, h.now, 'the block time is the proposer clock passed in')
    assert.ok(h.lastVote(VoteType.Prevote)!.block!.equals(cidOf(p!.block)))
    // The own prevote is logged before it is broadcast.
    const walVote = kinds.indexOf('wal:vote')
    assert.ok(walVote >= 0 && walVote < kinds.lastIndexOf('broadcast-vote'))
  })

  it('a non-proposer schedules the propose timeout and waits', () => {
    const { h } = setup()
    const out = h.start()
    assert.deepEqual(h.of('schedule-timeout', out).map((o) => o.timeout), [{ height: 1, round: 0, step: 'propose', durationMs: PARAMS.timeoutProposeMs }])
    assert.equal(h.votes().length, 0)
  })
})

describe('prevote (lines 22–27)', () => {
  it('prevotes a valid proposal from the proposer', () => {
    const { h } = setup()
    h.start()
    const b = block(1, 0, B, 'x')
    h.propose(B, b, 0)
    assert.ok(h.lastVote(VoteType.Prevote)!.block!.equals(cidOf(b)))
    assert.equal(h.engine.state().step, 'prevote')
  })

  it('prevotes nil for a block the app finds invalid (every node re-executes)', () => {
    const { h } = setup({ invalid: ['bad'] })
    h.start()
    h.propose(B, block(1, 0, B, 'bad'), 0)
    assert.equal(h.lastVote(VoteType.Prevote)!.block, null)
    assert.equal(h.app.verified, 1)
  })

  it('prevotes nil for a block too far ahead of the local clock', () => {
    const { h } = setup()
    h.start()
    h.propose(B, block(1, 0, B, 'x', h.now + DEFAULT_CONSENSUS_PARAMS.maxClockDriftMs + 1), 0)
    assert.equal(h.lastVote(VoteType.Prevote)!.block, null)
  })

  it('prevotes nil when the propose timeout fires first, and only once per round', () => {
    const { h } = setup()
    h.start()
    h.timeout(0, 'propose')
    assert.equal(h.lastVote(VoteType.Prevote)!.block, null)
    h.propose(B, block(1, 0, B, 'late'), 0)
    h.timeout(0, 'propose')
    assert.equal(h.votes(VoteType.Prevote).length, 1, 'a validator never votes twice in a round')
  })
})

describe('thresholds: more than 2/3 of voting power', () => {
  it('exactly 2/3 of the power for a block does not make a precommit; more does', () => {
    // Powers A2 B2 C1 D1: total 6, 2/3 = 4.
    const { h } = setup({ powers: [2, 2, 1, 1] })
    h.start()
    const b = block(1, 0, B, 'x')
    h.propose(B, b, 0) // A prevotes b: 2
    h.vote(B, 0, VoteType.Prevote, b) // 4 = exactly 2/3
    assert.equal(h.votes(VoteType.Precommit).length, 0)
    h.vote(C, 0, VoteType.Prevote, b) // 5 > 2/3
    assert.ok(h.lastVote(VoteType.Precommit)!.block!.equals(cidOf(b)))
  })

  it('2/3 of any prevotes schedules the prevote timeout; on timeout it precommits nil', () => {
    const { h } = setup()
    h.start()
    const b = block(1, 0, B, 'x')
    h.propose(B, b, 0)
    h.vote(B, 0, VoteType.Prevote, null)
    assert.equal(h.of('schedule-timeout').filter((o) => o.timeout.step === 'prevote').length, 0, 'two votes of four are not 2/3')
    const out = h.vote(C, 0, VoteType.Prevote, null)
    assert.deepEqual(h.of('schedule-timeout', out).map((o) => o.timeout), [{ height: 1, round: 0, step: 'prevote', durationMs: PARAMS.timeoutPrevoteMs }])
    assert.equal(h.votes(VoteType.Precommit).length, 0)
    h.timeout(0, 'prevote')
    assert.equal(h.lastVote(VoteType.Precommit)!.block, null)
  })

  it('2/3 nil prevotes make a nil precommit at once (lines 44–46)', () => {
    const { h } = setup()
    h.start()
    h.timeout(0, 'propose')
    h.vote(B, 0, VoteType.Prevote, null)
    h.vote(C, 0, VoteType.Prevote, null)
    assert.equal(h.lastVote(VoteType.Precommit)!.block, null)
    assert.equal(h.engine.state().step, 'precommit')
  })
})

describe('rounds', () => {
  it('2/3 of any precommits schedules the precommit timeout, which starts the next round; timeouts grow', () => {
    const { h } = setup()
    h.start()
    h.timeout(0, 'propose')
    h.vote(B, 0, VoteType.Prevote, null)
    h.vote(C, 0, VoteType.Prevote, null)
    h.vote(B, 0, VoteType.Precommit, null)
    const out = h.vote(C, 0, VoteType.Precommit, block(1, 0, B, 'other'))
    assert.deepEqual(h.of('schedule-timeout', out).map((o) => o.timeout.step), ['precommit'])
    const next = h.timeout(0, 'precommit')
    assert.equal(h.engine.state().round, 1)
    assert.equal(h.engine.state().step, 'propose')
    assert.deepEqual(h.of('schedule-timeout', next).map((o) => o.timeout), [{ height: 1, round: 1, step: 'propose', durationMs: PARAMS.timeoutProposeMs + PARAMS.timeoutDeltaMs }])
  })

  it('a failed round always moves on, even with no proposal and split votes', () => {
    const { h } = setup()
    h.start()
    for (let r = 0; r < 5; r++) {
      h.timeout(r, 'propose')
      h.vote(B, r, VoteType.Prevote, null)
      h.vote(C, r, VoteType.Prevote, block(1, r, B, `v${r}`))
      h.timeout(r, 'prevote')
      h.vote(B, r, VoteType.Precommit, null)
      h.vote(C, r, VoteType.Precommit, null)
      h.timeout(r, 'precommit')
      assert.equal(h.engine.state().round, r + 1)
    }
  })

  it('timeouts grow by timeoutDeltaMs per round', () => {
    for (const step of ['propose', 'prevote', 'precommit'] as const) {
      const d = [0, 1, 2, 10].map((r) => timeoutDuration(PARAMS, step, r))
      assert.deepEqual(d.slice(1).map((x, i) => x - d[i]!), [PARAMS.timeoutDeltaMs, PARAMS.timeoutDeltaMs, 8 * PARAMS.timeoutDeltaMs])
    }
  })

  it('stale timeouts (other round, height or step) do nothing', () => {
    const { h } = setup()
    h.start()
    assert.deepEqual(h.timeout(3, 'propose'), [])
    assert.deepEqual(h.timeout(0, 'propose', 2), [])
    assert.deepEqual(h.timeout(0, 'prevote'), [])
    assert.equal(h.votes().length, 0)
  })

  it('skips to a higher round when more than 1/3 of the power speaks there (lines 55–56)', () => {
    const { h } = setup({ powers: [1, 1, 1, 1] })
    h.start()
    h.vote(B, 5, VoteType.Prevote, null)
    assert.equal(h.engine.state().round, 0, '1/4 of the power is not enough')
    h.vote(C, 5, VoteType.Precommit, null)
    assert.equal(h.engine.state().round, 5)
    assert.equal(h.engine.state().step, 'propose')
  })

  it('exactly 1/3 of the power in a higher round does not skip', () => {
    // Powers A2 B1 C1 D2: total 6; B+C = 2 = exactly 1/3.
    const { h } = setup({ powers: [2, 1, 1, 2] })
    h.start()
    h.vote(B, 3, VoteType.Prevote, null)
    h.vote(C, 3, VoteType.Prevote, null)
    assert.equal(h.engine.state().round, 0)
    h.vote(D, 3, VoteType.Prevote, null)
    assert.equal(h.engine.state().round, 3)
  })
})

describe('deciding (lines 49–54)', () => {
  it('decides with the block and a commit certificate that verifies', () => {
    const { h, set } = setup()
    h.start()
    const b = block(1, 0, B, 'x')
    h.propose(B, b, 0)
    h.vote(B, 0, VoteType.Prevote, b)
    h.vote(C, 0, VoteType.Prevote, b)
    h.vote(B, 0, VoteType.Precommit, b)
    const out = h.vote(C, 0, VoteType.Precommit, b)
    const [d] = h.of('decide', out)
    assert.ok(d)
    assert.equal(d.height, 1)
    assert.deepEqual(d.block, b)
    assert.equal(d.commit.signatures.length, 3)
    const sorted = [...d.commit.signatures].sort((x, y) => (x.validator < y.validator ? -1 : 1))
    assert.deepEqual(d.commit.signatures, sorted)
    const check = verifyCommit(NETWORK, 0, d.commit, set, { height: 1, block: cidOf(b) })
    assert.equal(check.power, 3n)
  })

  it('decides on precommits of an earlier round while in a later one', () => {
    const { h } = setup()
    h.start()
    const b = block(1, 0, B, 'x')
    h.propose(B, b, 0)
    h.vote(C, 2, VoteType.Prevote, null)
    h.vote(D, 2, VoteType.Prevote, null)
    assert.equal(h.engine.state().round, 2)
    h.vote(B, 0, VoteType.Precommit, b)
    h.vote(C, 0, VoteType.Precommit, b)
    assert.equal(h.of('decide').length, 0, 'two of four precommits are not 2/3')
    h.vote(D, 0, VoteType.Precommit, b)
    assert.equal(h.of('decide').length, 1)
  })

  it('does not decide without the block, and does once the block arrives', () => {
    const { h } = setup()
    h.start()
    const b = block(1, 0, B, 'x')
    for (const k of [B, C, D]) h.vote(k, 0, VoteType.Precommit, b)
    assert.equal(h.of('decide').length, 0)
    h.propose(B, b, 0)
    assert.equal(h.of('decide').length, 1)
  })

  it('does not decide an invalid block even with 2/3 precommits', () => {
    const { h } = setup({ invalid: ['bad'] })
    h.start()
    const b = block(1, 0, B, 'bad')
    h.propose(B, b, 0)
    for (const k of [B, C, D]) h.vote(k, 0, VoteType.Precommit, b)
    assert.equal(h.of('decide').length, 0)
  })

  it('late precommits join the certificate and become the next block\'s lastCommit', () => {
    const { h } = setup({ proposer: (height, r) => (height === 2 ? A.did : K[(r + 1) % 4]!.did) })
    h.start()
    const b = block(1, 0, B, 'x')
    h.propose(B, b, 0)
    h.vote(B, 0, VoteType.Prevote, b)
    h.vote(C, 0, VoteType.Prevote, b)
    h.vote(B, 0, VoteType.Precommit, b)
    h.vote(C, 0, VoteType.Precommit, b)
    assert.equal(h.of('decide')[0]!.commit.signatures.length, 3)
    h.vote(D, 0, VoteType.Precommit, b)
    h.start(2, h.of('decide')[0]!.commit)
    const built = h.app.built.at(-1)!
    assert.equal(built.height, 2)
    assert.equal(built.lastCommit!.signatures.length, 4)
  })
})
