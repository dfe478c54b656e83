import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../src/codec/index.ts'
import { buildCommit, verifyCommit, withSignature, cachingVerifier, ConsensusError, VoteType, type Commit } from '../../src/consensus/index.ts'
import { keys, makeSet, vote, NETWORK, OTHER_NETWORK } from './harness.ts'

const K = keys(5)
const V = K.slice(0, 4)
const SET = makeSet(V, [3, 3, 2, 1]) // total 9; more than 2/3 needs 7
const X = cidOf({ b: 'x' })

function commitOf (ks: typeof K, opts: { round?: number, block?: typeof X, network?: typeof NETWORK } = {}): Commit {
  return buildCommit(10, opts.round ?? 2, X, ks.map((k) => vote(k, 10, opts.round ?? 2, VoteType.Precommit, opts.block ?? X, opts.network)))
}

function codeOf (fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (err) {
    assert.ok(err instanceof ConsensusError)
    return err.code
  }
}

describe('verifyCommit', () => {
  it('accepts precommits from more than 2/3 of the power and names the signers', () => {
    const c = commitOf([V[0]!, V[1]!, V[3]!]) // 3 + 3 + 1 = 7
    const check = verifyCommit(NETWORK, 0, c, SET, { height: 10, block: X })
    assert.equal(check.power, 7n)
    assert.deepEqual(new Set(check.signers), new Set([V[0]!.did, V[1]!.did, V[3]!.did]))
  })

  it('refuses exactly 2/3 and less (missing signatures)', () => {
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, commitOf([V[0]!, V[1]!]), SET)), 'COMMIT_INSUFFICIENT_POWER') // 6 = 2/3
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, commitOf([]), SET)), 'COMMIT_INSUFFICIENT_POWER')
  })

  it('refuses a duplicate signer even when the power would otherwise suffice', () => {
    const c = commitOf([V[0]!, V[1]!, V[2]!])
    const dup = withSignature(c, c.signatures[0]!)
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, dup, SET)), 'COMMIT_DUPLICATE_SIGNATURE')
  })

  it('refuses a signer outside the validator set (foreign signature)', () => {
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, commitOf([V[0]!, V[1]!, V[2]!, K[4]!]), SET)), 'COMMIT_UNKNOWN_VALIDATOR')
  })

  it('refuses signatures over another block, round or network', () => {
    const otherBlock = commitOf([V[0]!, V[1]!, V[2]!], { block: cidOf({ b: 'y' }) })
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, { ...otherBlock, block: X }, SET)), 'COMMIT_BAD_SIGNATURE')
    const otherRound = commitOf([V[0]!, V[1]!, V[2]!], { round: 3 })
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, { ...otherRound, round: 2 }, SET)), 'COMMIT_BAD_SIGNATURE')
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, commitOf([V[0]!, V[1]!, V[2]!], { network: OTHER_NETWORK }), SET)), 'COMMIT_BAD_SIGNATURE')
    assert.equal(codeOf(() => verifyCommit(NETWORK, 1, commitOf([V[0]!, V[1]!, V[2]!]), SET)), 'COMMIT_BAD_SIGNATURE')
  })

  it('checks the expected height and block', () => {
    const c = commitOf([V[0]!, V[1]!, V[2]!])
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, c, SET, { height: 11 })), 'COMMIT_WRONG_HEIGHT')
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, c, SET, { block: cidOf({ b: 'y' }) })), 'COMMIT_WRONG_BLOCK')
  })

  it('gives the same verdicts through a caching verifier, including for a forged copy of a cached signature', () => {
    const verifier = cachingVerifier()
    const c = commitOf([V[0]!, V[1]!, V[2]!])
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, c, SET, { verifier })), 'ok')
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, c, SET, { verifier })), 'ok')
    assert.equal(codeOf(() => verifyCommit(NETWORK, 0, { ...c, block: cidOf({ b: 'y' }) }, SET, { verifier })), 'COMMIT_BAD_SIGNATURE')
  })
})
