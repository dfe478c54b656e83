/**
 * Restarts never lead to a double-sign: the write-ahead log replayed through `step` restores locks and
 * re-sends what was signed, and without the log the signer itself refuses conflicting messages.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../src/codec/index.ts'
import type { SignerStore, Vote } from '../../src/consensus/index.ts'
import { Harness, testApp, keys, makeSet, block, VoteType } from './harness.ts'

const K = keys(4)
const [A, B, C] = K as [typeof K[0], typeof K[0], typeof K[0]]

function node (store?: SignerStore, proposer: (h: number, r: number) => string = (_h, r) => K[(r + 1) % 4]!.did): Harness {
  return new Harness({ me: A, app: testApp({ set: makeSet(K, [1, 1, 1, 1]), proposer }), ...(store !== undefined ? { store } : {}) })
}

/** Every vote A broadcast for one (round, type), across incarnations: all must be the same vote. */
function sameVotes (votes: Vote[]): void {
  const keys = new Set(votes.map((v) => `${v.block === null ? 'nil' : v.block.toString()}:${Buffer.from(v.signature).toString('hex')}`))
  assert.equal(keys.size, 1, `conflicting votes: ${[...keys].join(', ')}`)
}

describe('restore from the write-ahead log', () => {
  it('restores the lock and keeps honouring it after a restart', () => {
    const first = node()
    first.start()
    const x = block(1, 0, B, 'x')
    first.propose(B, x, 0)
    first.vote(B, 0, VoteType.Prevote, x)
    first.vote(C, 0, VoteType.Prevote, x)
    assert.equal(first.engine.state().lockedRound, 0)
    const wal = [...first.wal]

    const second = node(first.store)
    second.now = 50_000
    const out = second.engine.restore(wal)
    second.record(out)
    assert.equal(second.of('wal', out).length, 0, 'nothing new to log: the log holds it all')
    const s = second.engine.state()
    assert.deepEqual([s.height, s.round, s.step, s.lockedRound], [1, 0, 'precommit', 0])
    assert.ok(s.lockedBlock!.equals(cidOf(x)))
    // Re-sent own votes are the very same signed votes.
    sameVotes([...first.votes(VoteType.Prevote), ...second.votes(VoteType.Prevote)])
    sameVotes([...first.votes(VoteType.Precommit), ...second.votes(VoteType.Precommit)])

    // Round 1 proposes something else: still locked on x, so nil.
    second.vote(B, 0, VoteType.Precommit, null)
    second.vote(C, 0, VoteType.Precommit, null)
    second.timeout(0, 'precommit')
    second.propose(C, block(1, 1, C, 'y'), 1)
    assert.equal(second.lastVote(VoteType.Prevote)!.round, 1)
    assert.equal(second.lastVote(VoteType.Prevote)!.block, null)
  })

  it('a restarted proposer re-sends its logged proposal instead of building a new block', () => {
    const first = node(undefined, () => A.did)
    first.start()
    const [sent] = first.of('broadcast-proposal')
    const second = node(first.store, () => A.did)
    const out = second.engine.restore([...first.wal])
    assert.equal(second.app.built.length, 0)
    const [again] = second.of('broadcast-proposal', out)
    assert.deepEqual(again, sent)
  })

  it('restore needs a fresh engine and a log that begins with start', () => {
    const h = node()
    assert.deepEqual(h.engine.restore([]), [])
    h.start()
    assert.throws(() => h.engine.restore([...h.wal]), { name: 'ConsensusError', code: 'ALREADY_STARTED' })
  })
})

describe('the signer guards without the log', () => {
  it('a restart that lost its log re-sends the earlier vote rather than signing a conflicting one', () => {
    const first = node()
    first.start()
    const x = block(1, 0, B, 'x')
    first.propose(B, x, 0) // prevote x at (1, 0)

    const second = node(first.store) // same signer state, no log
    second.now = 9_000
    second.start()
    second.timeout(0, 'propose') // would prevote nil at (1, 0)
    sameVotes([...first.votes(VoteType.Prevote), ...second.votes(VoteType.Prevote)])
    assert.ok(second.lastVote(VoteType.Prevote)!.block!.equals(cidOf(x)))
  })

  it('a restart behind the last signed round signs nothing there', () => {
    const first = node()
    first.start()
    for (let r = 0; r < 3; r++) {
      first.timeout(r, 'propose')
      first.vote(B, r, VoteType.Prevote, null)
      first.vote(C, r, VoteType.Prevote, null)
      first.vote(B, r, VoteType.Precommit, null)
      first.vote(C, r, VoteType.Precommit, null)
      first.timeout(r, 'precommit')
    }
    assert.equal(first.store.load()!.round, 3, 'A proposed in round 3')
    const second = node(first.store)
    second.start()
    second.timeout(0, 'propose')
    assert.equal(second.votes().length, 0)
    assert.equal(second.engine.state().step, 'prevote', 'the state machine still moves on')
  })
})
