import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../src/codec/index.ts'
import { verifyDuplicateVoteEvidence, ConsensusError, VoteType } from '../../src/consensus/index.ts'
import { keys, vote, NETWORK, OTHER_NETWORK } from './harness.ts'

const [A, B] = keys(2) as [ReturnType<typeof keys>[0], ReturnType<typeof keys>[0]]
const X = cidOf({ b: 'x' })
const Y = cidOf({ b: 'y' })

function codeOf (fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (err) {
    assert.ok(err instanceof ConsensusError)
    return err.code
  }
}

describe('duplicate-vote evidence', () => {
  it('two signed votes of one validator, step and round for different blocks (or nil) are evidence', () => {
    assert.equal(codeOf(() => verifyDuplicateVoteEvidence(NETWORK, 0, vote(A, 3, 1, VoteType.Prevote, X), vote(A, 3, 1, VoteType.Prevote, Y))), 'ok')
    assert.equal(codeOf(() => verifyDuplicateVoteEvidence(NETWORK, 0, vote(A, 3, 1, VoteType.Precommit, X), vote(A, 3, 1, VoteType.Precommit, null))), 'ok')
  })

  it('is refused when the votes do not conflict or do not match', () => {
    const a = vote(A, 3, 1, VoteType.Prevote, X)
    assert.equal(codeOf(() => verifyDuplicateVoteEvidence(NETWORK, 0, a, a)), 'EVIDENCE_NOT_CONFLICTING')
    assert.equal(codeOf(() => verifyDuplicateVoteEvidence(NETWORK, 0, a, vote(B, 3, 1, VoteType.Prevote, Y))), 'EVIDENCE_MISMATCH')
    assert.equal(codeOf(() => verifyDuplicateVoteEvidence(NETWORK, 0, a, vote(A, 3, 2, VoteType.Prevote, Y))), 'EVIDENCE_MISMATCH')
    assert.equal(codeOf(() => verifyDuplicateVoteEvidence(NETWORK, 0, a, vote(A, 3, 1, VoteType.Precommit, Y))), 'EVIDENCE_MISMATCH')
    assert.equal(codeOf(() => verifyDuplicateVoteEvidence(NETWORK, 0, a, vote(A, 4, 1, VoteType.Prevote, Y))), 'EVIDENCE_MISMATCH')
    assert.equal(codeOf(() => verifyDuplicateVoteEvidence(NETWORK, 0, vote(A, 3, 1, VoteType.Prevote, X, OTHER_NETWORK), vote(A, 3, 1, VoteType.Prevote, Y, OTHER_NETWORK))), 'WRONG_NETWORK')
  })

  it('is refused when a signature is forged', () => {
    const b = { ...vote(A, 3, 1, VoteType.Prevote, Y), signature: vote(A, 3, 1, VoteType.Prevote, X).signature }
    assert.equal(codeOf(() => verifyDuplicateVoteEvidence(NETWORK, 0, vote(A, 3, 1, VoteType.Prevote, X), b)), 'BAD_SIGNATURE')
  })
})
