/** Topic `vote`: every rule of validateVote with real signed votes, in the order the rules run. */
import { describe, it, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { encode } from '../../../src/codec/index.ts'
import { VoteType } from '../../../src/consensus/index.ts'
import { encodeVoteMessage, validateVote, decodeVoteMessage, GossipValidationError, VOTE_MESSAGE_MAX_BYTES, type ValidationDeps } from '../../../src/network/topics/index.ts'
import { TestChain, V, alice } from '../../ledger/helpers.ts'
import { chainContext, validationDeps, vote, tampered, ELSEWHERE } from './fixtures.ts'

function outcome (fn: () => unknown): string {
  try {
    fn()
    return 'accept'
  } catch (err) {
    if (err instanceof GossipValidationError) return `${err.action}:${err.code}`
    throw err
  }
}

describe('vote topic validation', () => {
  let tc: TestChain
  let deps: ValidationDeps

  beforeEach(() => {
    tc = new TestChain()
    deps = validationDeps(chainContext(tc))
  })

  const check = (data: Uint8Array): string => outcome(() => validateVote(data, deps))

  it('accepts a validator\'s signed vote for the current height, once; a copy is a duplicate', () => {
    const v = vote(tc, V[0])
    assert.equal(check(encodeVoteMessage(v, 1)), 'accept')
    // a re-broadcast: same vote, new sentAt (another gossip message id), ignored here
    assert.equal(check(encodeVoteMessage(v, 2)), 'ignore:DUPLICATE')
  })

  it('round-trips {vote, sentAt} as canonical DAG-CBOR', () => {
    const v = vote(tc, V[1], { type: VoteType.Precommit, block: null })
    const decoded = decodeVoteMessage(encodeVoteMessage(v, 1234))
    assert.equal(decoded.sentAt, 1234)
    assert.deepEqual(encode(decoded.vote), encode(v))
  })

  it('rejects a payload over the cap with TOO_LARGE', () => {
    assert.equal(check(new Uint8Array(VOTE_MESSAGE_MAX_BYTES + 1)), 'reject:TOO_LARGE')
  })

  it('rejects bytes that are not a vote message with MALFORMED', () => {
    assert.equal(check(new Uint8Array([0xff, 0x00, 0x13])), 'reject:MALFORMED')
    const v = vote(tc, V[0])
    assert.equal(check(encode({ vote: v, sentAt: 1, extra: true })), 'reject:MALFORMED', 'unknown field')
    assert.equal(check(encode({ vote: v })), 'reject:MALFORMED', 'missing sentAt')
    assert.equal(check(encode({ vote: { ...v, type: 3 }, sentAt: 1 })), 'reject:MALFORMED', 'unknown vote type')
  })

  it('rejects a vote of another network or shard', () => {
    assert.equal(check(encodeVoteMessage(vote(tc, V[0], { network: ELSEWHERE }), 1)), 'reject:WRONG_NETWORK')
    assert.equal(check(encodeVoteMessage(vote(tc, V[0], { shard: 1 }), 1)), 'reject:WRONG_SHARD')
  })

  it('ignores votes below current − 1 (STALE) and above current + 1 (FUTURE), accepts the window', () => {
    tc.next()
    tc.next()
    tc.next()
    const current = tc.chain.height + 1
    assert.equal(check(encodeVoteMessage(vote(tc, V[0], { height: current - 2 }), 1)), 'ignore:STALE')
    assert.equal(check(encodeVoteMessage(vote(tc, V[0], { height: current + 2 }), 1)), 'ignore:FUTURE')
    assert.equal(check(encodeVoteMessage(vote(tc, V[0], { height: current - 1 }), 1)), 'accept')
    assert.equal(check(encodeVoteMessage(vote(tc, V[1], { height: current + 1 }), 1)), 'accept')
  })

  it('rejects a vote at the current height from outside the validator set, but cannot judge other heights', () => {
    assert.equal(check(encodeVoteMessage(vote(tc, alice), 1)), 'reject:UNKNOWN_VALIDATOR')
    const next = tc.chain.height + 2
    assert.equal(check(encodeVoteMessage(vote(tc, alice, { height: next }), 1)), 'accept', 'the set of the next height is not known yet')
  })

  it('rejects a vote whose signature does not verify', () => {
    assert.equal(check(encodeVoteMessage(tampered(vote(tc, V[2])), 1)), 'reject:BAD_SIGNATURE')
    const forged = { ...vote(tc, V[2]), round: 5 } // body changed after signing
    assert.equal(check(encodeVoteMessage(forged, 1)), 'reject:BAD_SIGNATURE')
  })

  it('does not let a rejected forgery block the genuine vote', () => {
    const genuine = vote(tc, V[3])
    assert.equal(check(encodeVoteMessage({ ...genuine, round: 9 }, 1)), 'reject:BAD_SIGNATURE')
    assert.equal(check(encodeVoteMessage(genuine, 1)), 'accept')
  })
})
