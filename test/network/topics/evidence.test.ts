/** Topic `evidence`: every rule of validateEvidence with real conflicting votes. */
import { describe, it, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf, encode } from '../../../src/codec/index.ts'
import { VoteType } from '../../../src/consensus/index.ts'
import {
  encodeEvidenceMessage, validateEvidence, evidenceKey, GossipValidationError, EVIDENCE_MESSAGE_MAX_BYTES, type ValidationDeps
} from '../../../src/network/topics/index.ts'
import { TestChain, V } from '../../ledger/helpers.ts'
import { chainContext, validationDeps, vote, tampered, ELSEWHERE, type TestContext } from './fixtures.ts'

function outcome (fn: () => unknown): string {
  try {
    fn()
    return 'accept'
  } catch (err) {
    if (err instanceof GossipValidationError) return `${err.action}:${err.code}`
    throw err
  }
}

const BLOCK_A = cidOf({ block: 'a' })
const BLOCK_B = cidOf({ block: 'b' })

describe('evidence topic validation', () => {
  let tc: TestChain
  let context: TestContext
  let deps: ValidationDeps

  beforeEach(() => {
    tc = new TestChain()
    context = chainContext(tc)
    deps = validationDeps(context)
  })

  const check = (data: Uint8Array): string => outcome(() => validateEvidence(data, deps))
  const pair = (opts: Parameters<typeof vote>[2] = {}): [ReturnType<typeof vote>, ReturnType<typeof vote>] =>
    [vote(tc, V[0], { type: VoteType.Precommit, ...opts, block: BLOCK_A }), vote(tc, V[0], { type: VoteType.Precommit, ...opts, block: BLOCK_B })]

  it('accepts a double-sign once; the same offence again is a duplicate', () => {
    const [a, b] = pair()
    assert.equal(check(encodeEvidenceMessage(a, b)), 'accept')
    assert.equal(check(encodeEvidenceMessage(b, a)), 'ignore:DUPLICATE', 'the same offence, votes swapped')
  })

  it('names the offence <validator>:<height>:<round>:<type>', () => {
    const [a] = pair({ round: 2 })
    assert.equal(evidenceKey(a), `${V[0].did}:1:2:2`)
  })

  it('ignores evidence of an offence already punished on chain', () => {
    const [a, b] = pair()
    context.punished.add(evidenceKey(a))
    assert.equal(check(encodeEvidenceMessage(a, b)), 'ignore:KNOWN')
  })

  it('rejects oversize and malformed payloads', () => {
    assert.equal(check(new Uint8Array(EVIDENCE_MESSAGE_MAX_BYTES + 1)), 'reject:TOO_LARGE')
    const [a] = pair()
    assert.equal(check(encode({ a })), 'reject:MALFORMED')
    assert.equal(check(new Uint8Array([0x82, 0x01])), 'reject:MALFORMED')
  })

  it('ignores evidence for a height beyond the one being decided', () => {
    const [a, b] = pair({ height: 5 })
    assert.equal(check(encodeEvidenceMessage(a, b)), 'ignore:FUTURE')
  })

  it('rejects votes of another network or shard', () => {
    const [a, b] = pair({ network: ELSEWHERE })
    assert.equal(check(encodeEvidenceMessage(a, b)), 'reject:WRONG_NETWORK')
    const [c, d] = pair({ shard: 3 })
    assert.equal(check(encodeEvidenceMessage(c, d)), 'reject:WRONG_SHARD')
  })

  it('rejects two votes that are no double-sign with INVALID_EVIDENCE', () => {
    const a = vote(tc, V[0], { type: VoteType.Precommit, block: BLOCK_A })
    assert.equal(check(encodeEvidenceMessage(a, a)), 'reject:INVALID_EVIDENCE', 'same block')
    const other = vote(tc, V[1], { type: VoteType.Precommit, block: BLOCK_B })
    assert.equal(check(encodeEvidenceMessage(a, other)), 'reject:INVALID_EVIDENCE', 'two validators')
    const prevote = vote(tc, V[0], { type: VoteType.Prevote, block: BLOCK_B })
    assert.equal(check(encodeEvidenceMessage(a, prevote)), 'reject:INVALID_EVIDENCE', 'two vote types')
  })

  it('rejects evidence whose votes do not verify', () => {
    const [a, b] = pair()
    assert.equal(check(encodeEvidenceMessage(a, tampered(b))), 'reject:BAD_SIGNATURE')
  })
})
