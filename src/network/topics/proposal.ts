/**
 * Topic `proposal`: a proposer's signed proposal with the block it names (protocols/gossip.md,
 * "proposal"). Payload: DAG-CBOR `{proposal: Proposal, block: bytes, sentAt: uint}` where `block` is
 * the block's canonical encoding (encodeBlock) and `sentAt` (sender's clock, ms) is outside every
 * signature, only making a re-broadcast a new gossip message.
 * The block is only decoded and matched to the proposal here; executing it is the engine's job.
 */
import { bytes, encode, uint, z } from '../../codec/index.ts'
import { proposalSchema, type Proposal } from '../../consensus/index.ts'
import { BlockError, blockId, decodeBlock, encodeBlock, type Block } from '../../ledger/index.ts'
import { GossipValidationError } from './errors.ts'
import { checkHeightWindow, checkNetworkAndShard, decodePayload } from './common.ts'
import { PROPOSAL_ENVELOPE_BYTES } from './constants.ts'
import { signatureKey } from './seen.ts'
import type { ValidationDeps } from './types.ts'

export interface ProposalMessage { proposal: Proposal, block: Uint8Array, sentAt: number }

export const proposalMessageSchema = z.strictObject({ proposal: proposalSchema, block: bytes(), sentAt: uint })

export function encodeProposalMessage (proposal: Proposal, block: Block, sentAt: number): Uint8Array {
  return encode({ proposal, block: encodeBlock(block), sentAt })
}

/** The largest proposal message for a given block cap. */
export function proposalMessageMaxBytes (maxBlockBytes: number): number {
  return maxBlockBytes + PROPOSAL_ENVELOPE_BYTES
}

export function decodeProposalMessage (data: Uint8Array, maxBlockBytes: number): ProposalMessage {
  return decodePayload(proposalMessageSchema, data, proposalMessageMaxBytes(maxBlockBytes), 'proposal message') as ProposalMessage
}

/** The rules in order; the first that fails decides. Returns the proposal and its block, recorded as seen. */
export function validateProposal (data: Uint8Array, deps: ValidationDeps): { proposal: Proposal, block: Block } {
  const { context, verifier, seen } = deps
  const maxBlockBytes = context.maxBlockBytes
  // [REJECT] at most maxBlockBytes + 4 KiB; canonical DAG-CBOR {proposal, block, sentAt}
  const message = decodeProposalMessage(data, maxBlockBytes)
  const { proposal } = message
  // [REJECT] proposal.network is our network; [REJECT] proposal.shard is the topic's shard
  checkNetworkAndShard(proposal, context.networkId, context.shard, 'proposal')
  // [REJECT] validRound is null or below round
  if (proposal.validRound !== null && proposal.validRound >= proposal.round) {
    throw GossipValidationError.of('INVALID_VALID_ROUND', `validRound ${proposal.validRound} is not below round ${proposal.round}`)
  }
  // [IGNORE] current − 1 <= proposal.height <= current + 1
  const current = context.currentHeight()
  checkHeightWindow(proposal.height, current, 'proposal')
  // [IGNORE] the same signed proposal was already accepted
  const key = signatureKey(proposal.signature)
  if (seen.proposal.has(key)) throw GossipValidationError.of('DUPLICATE', 'proposal already seen')
  // [REJECT] at the current height, the proposer is the expected proposer of (height, round)
  if (proposal.height === current) {
    const expected = context.expectedProposer(current, proposal.round)
    if (expected !== undefined && expected !== proposal.proposer) {
      throw GossipValidationError.of('WRONG_PROPOSER', `${proposal.proposer} is not the proposer of height ${current} round ${proposal.round}`)
    }
  }
  // [REJECT] the signature is the proposer's over the proposal, in the icn/proposal/v1 domain
  if (!verifier.proposal(proposal)) throw GossipValidationError.of('BAD_SIGNATURE', `proposal signature does not verify for ${proposal.proposer}`)
  // [REJECT] the block decodes strictly within maxBlockBytes (decoded last: the costliest rule)
  let block: Block
  try {
    block = decodeBlock(message.block, maxBlockBytes)
  } catch (err) {
    if (err instanceof BlockError) {
      throw GossipValidationError.of(err.code === 'TOO_LARGE' ? 'TOO_LARGE' : 'MALFORMED', `proposal block: ${err.message}`, err.field)
    }
    throw err
  }
  // [REJECT] the block's CID (CID of its header) is proposal.block
  if (!blockId(block.header).equals(proposal.block)) throw GossipValidationError.of('BLOCK_MISMATCH', 'the block carried is not the one the proposal names')
  // [REJECT] the block header's network, shard and height are the proposal's
  const header = block.header
  if (!header.network.equals(proposal.network) || header.shard !== proposal.shard || header.height !== proposal.height) {
    throw GossipValidationError.of('BLOCK_MISMATCH', `block header is for height ${header.height} shard ${header.shard}, proposal for height ${proposal.height} shard ${proposal.shard}`)
  }
  seen.proposal.add(key)
  return { proposal, block }
}
