/** Topic `proposal`: every rule of validateProposal with real blocks and signed proposals. */
import { describe, it, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { encode } from '../../../src/codec/index.ts'
import { encodeBlock, blockId } from '../../../src/ledger/index.ts'
import {
  encodeProposalMessage, decodeProposalMessage, validateProposal, GossipValidationError, PROPOSAL_ENVELOPE_BYTES, type ValidationDeps
} from '../../../src/network/topics/index.ts'
import { TestChain } from '../../ledger/helpers.ts'
import { chainContext, validationDeps, proposal, notProposer, tampered, ELSEWHERE, type TestContext } from './fixtures.ts'

function outcome (fn: () => unknown): string {
  try {
    fn()
    return 'accept'
  } catch (err) {
    if (err instanceof GossipValidationError) return `${err.action}:${err.code}`
    throw err
  }
}

describe('proposal topic validation', () => {
  let tc: TestChain
  let context: TestContext
  let deps: ValidationDeps

  beforeEach(() => {
    tc = new TestChain()
    tc.next()
    context = chainContext(tc)
    deps = validationDeps(context)
  })

  const check = (data: Uint8Array): string => outcome(() => validateProposal(data, deps))

  it('accepts the expected proposer\'s proposal with the block it names, once', () => {
    const { proposal: p, block } = proposal(tc)
    const accepted = validateProposal(encodeProposalMessage(p, block, 1), deps)
    assert.ok(blockId(accepted.block.header).equals(p.block))
    assert.equal(accepted.proposal.proposer, p.proposer)
    assert.equal(check(encodeProposalMessage(p, block, 2)), 'ignore:DUPLICATE', 'a re-broadcast with a new sentAt')
  })

  it('carries the block as its encodeBlock bytes', () => {
    const { proposal: p, block } = proposal(tc)
    const message = decodeProposalMessage(encodeProposalMessage(p, block, 7), context.maxBlockBytes)
    assert.deepEqual(message.block, encodeBlock(block))
    assert.equal(message.sentAt, 7)
  })

  it('rejects a message over maxBlockBytes + envelope with TOO_LARGE, and a block over maxBlockBytes too', () => {
    const { proposal: p, block } = proposal(tc)
    const size = encodeBlock(block).byteLength
    const small = validationDeps(chainContext(tc, { maxBlockBytes: size - 1 }))
    assert.equal(outcome(() => validateProposal(encodeProposalMessage(p, block, 1), small)), 'reject:TOO_LARGE', 'block over the cap')
    assert.equal(check(new Uint8Array(context.maxBlockBytes + PROPOSAL_ENVELOPE_BYTES + 1)), 'reject:TOO_LARGE')
  })

  it('rejects malformed messages and a block that does not decode', () => {
    const { proposal: p, block } = proposal(tc)
    assert.equal(check(new Uint8Array([1, 2, 3])), 'reject:MALFORMED')
    assert.equal(check(encode({ proposal: p, block: encodeBlock(block), sentAt: 1, x: 1 })), 'reject:MALFORMED')
    assert.equal(check(encode({ proposal: p, block: new Uint8Array([0xa0]), sentAt: 1 })), 'reject:MALFORMED', 'an empty map is no block')
  })

  it('rejects a proposal of another network or shard', () => {
    const other = proposal(tc, { network: ELSEWHERE })
    assert.equal(check(encodeProposalMessage(other.proposal, other.block, 1)), 'reject:WRONG_NETWORK')
    const shard = proposal(tc, { shard: 2 })
    assert.equal(check(encodeProposalMessage(shard.proposal, shard.block, 1)), 'reject:WRONG_SHARD')
  })

  it('rejects a validRound that is not below the round', () => {
    const { proposal: p, block } = proposal(tc, { round: 1, validRound: 1 })
    assert.equal(check(encodeProposalMessage(p, block, 1)), 'reject:INVALID_VALID_ROUND')
  })

  it('ignores proposals outside [current − 1, current + 1]', () => {
    tc.next()
    tc.next()
    const current = tc.chain.height + 1
    const stale = proposal(tc, { height: current - 2 })
    assert.equal(check(encodeProposalMessage(stale.proposal, stale.block, 1)), 'ignore:STALE')
    const future = proposal(tc, { height: current + 2 })
    assert.equal(check(encodeProposalMessage(future.proposal, future.block, 1)), 'ignore:FUTURE')
  })

  it('rejects a proposal at the current height from anyone but the expected proposer', () => {
    const { proposal: p, block } = proposal(tc, { signer: notProposer(tc) })
    assert.equal(check(encodeProposalMessage(p, block, 1)), 'reject:WRONG_PROPOSER')
  })

  it('rejects a proposal whose signature does not verify', () => {
    const { proposal: p, block } = proposal(tc)
    assert.equal(check(encodeProposalMessage(tampered(p), block, 1)), 'reject:BAD_SIGNATURE')
  })

  it('rejects a proposal carrying another block than the one it names', () => {
    const { block: mine } = proposal(tc)
    const { proposal: p } = proposal(tc, { round: 1 })
    assert.ok(!p.block.equals(blockId(mine.header)), 'round 1 builds another block')
    assert.equal(check(encodeProposalMessage(p, mine, 1)), 'reject:BLOCK_MISMATCH')
  })

  it('rejects a proposal for another height than its block, even when the CID matches', () => {
    // the next height: neither the set nor the proposer is checked, the block header is
    const { proposal: p, block } = proposal(tc, { height: tc.chain.height + 2 })
    assert.equal(check(encodeProposalMessage(p, block, 1)), 'reject:BLOCK_MISMATCH')
  })
})
