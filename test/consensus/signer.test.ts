import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf, encode } from '../../src/codec/index.ts'
import { createPrivValidator, memorySignerStore, verifyVote, verifyProposal, SignerError, SignStep, parseSignerState, VoteType, type SignerStore, type SignerState } from '../../src/consensus/index.ts'
import { keys, NETWORK } from './harness.ts'

const [A, B] = keys(2) as [ReturnType<typeof keys>[0], ReturnType<typeof keys>[0]]
const X = cidOf({ b: 'x' })
const Y = cidOf({ b: 'y' })
const body = (round: number, type: VoteType, block = X, height = 7) => ({ network: NETWORK, shard: 0, height, round, type, block, validator: A.did })

function code (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof SignerError)
    return err.code
  }
  return 'signed'
}

describe('PrivValidator', () => {
  it('signs valid votes and proposals and records the last (height, round, step) durably', () => {
    const saved: SignerState[] = []
    const store: SignerStore = { load: () => saved.at(-1), save: (s) => { saved.push(s) } }
    const pv = createPrivValidator(A, store)
    const v = pv.signVote(body(0, VoteType.Prevote))
    assert.ok(verifyVote(v))
    const p = pv.signProposal({ network: NETWORK, shard: 0, height: 7, round: 1, validRound: null, block: X, proposer: A.did })
    assert.ok(verifyProposal(p))
    assert.deepEqual(saved.map((s) => [s.height, s.round, s.step]), [[7, 0, SignStep.Prevote], [7, 1, SignStep.Propose]])
    assert.deepEqual(parseSignerState(saved[1]), saved[1])
  })

  it('re-signing the identical message returns the same signature without saving again', () => {
    let saves = 0
    const inner = memorySignerStore()
    const pv = createPrivValidator(A, { load: inner.load, save: (s) => { saves++; inner.save(s) } })
    const a = pv.signVote(body(0, VoteType.Prevote))
    const b = pv.signVote(body(0, VoteType.Prevote))
    assert.deepEqual(a, b)
    assert.equal(saves, 1)
  })

  it('refuses a conflicting message for the same step and hands back the one already signed', () => {
    const pv = createPrivValidator(A, memorySignerStore())
    const first = pv.signVote(body(0, VoteType.Precommit, X))
    let err: unknown
    try {
      pv.signVote(body(0, VoteType.Precommit, Y))
    } catch (e) { err = e }
    assert.ok(err instanceof SignerError)
    assert.equal(err.code, 'DOUBLE_SIGN')
    assert.deepEqual(encode(err.previous), encode(first))
  })

  it('refuses to go back in height, round or step', () => {
    const pv = createPrivValidator(A, memorySignerStore())
    pv.signVote(body(2, VoteType.Precommit))
    assert.equal(code(() => pv.signVote(body(2, VoteType.Prevote))), 'SIGN_REGRESSION')
    assert.equal(code(() => pv.signVote(body(1, VoteType.Precommit))), 'SIGN_REGRESSION')
    assert.equal(code(() => pv.signVote(body(9, VoteType.Prevote, X, 6))), 'SIGN_REGRESSION')
    assert.equal(code(() => pv.signVote(body(3, VoteType.Prevote))), 'signed')
  })

  it('after a restart (same store, new signer) still refuses the conflicting vote', () => {
    const store = memorySignerStore()
    createPrivValidator(A, store).signVote(body(4, VoteType.Prevote, X))
    const restarted = createPrivValidator(A, store)
    assert.equal(code(() => restarted.signVote(body(4, VoteType.Prevote, Y))), 'DOUBLE_SIGN')
    assert.equal(code(() => restarted.signVote(body(4, VoteType.Prevote, X))), 'signed')
  })

  it('only signs for its own key', () => {
    const pv = createPrivValidator(A, memorySignerStore())
    assert.equal(code(() => pv.signVote({ ...body(0, VoteType.Prevote), validator: B.did })), 'WRONG_KEY')
  })
})
