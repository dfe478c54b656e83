/**
 * Topic `vote`: one signed prevote or precommit (protocols/gossip.md, "vote").
 * Payload: DAG-CBOR `{vote: Vote, sentAt: uint}`; `sentAt` (sender's clock, ms) is outside the
 * signature and only makes a re-broadcast a new gossip message.
 */
import { encode, uint, z } from '../../codec/index.ts'
import { voteSchema, type Vote } from '../../consensus/index.ts'
import { GossipValidationError } from './errors.ts'
import { checkHeightWindow, checkNetworkAndShard, decodePayload } from './common.ts'
import { VOTE_MESSAGE_MAX_BYTES } from './constants.ts'
import { signatureKey } from './seen.ts'
import type { ValidationDeps } from './types.ts'

export interface VoteMessage { vote: Vote, sentAt: number }

export const voteMessageSchema = z.strictObject({ vote: voteSchema, sentAt: uint })

export function encodeVoteMessage (vote: Vote, sentAt: number): Uint8Array {
  return encode({ vote, sentAt })
}

export function decodeVoteMessage (data: Uint8Array): VoteMessage {
  return decodePayload(voteMessageSchema, data, VOTE_MESSAGE_MAX_BYTES, 'vote message') as VoteMessage
}

/** The rules in order; the first that fails decides. Returns the vote, recorded as seen. */
export function validateVote (data: Uint8Array, deps: ValidationDeps): Vote {
  const { context, verifier, seen } = deps
  // [REJECT] at most 1 KiB; canonical DAG-CBOR {vote, sentAt} with a well-formed vote
  const { vote } = decodeVoteMessage(data)
  // [REJECT] vote.network is our network; [REJECT] vote.shard is the topic's shard
  checkNetworkAndShard(vote, context.networkId, context.shard, 'vote')
  // [IGNORE] current − 1 <= vote.height <= current + 1
  const current = context.currentHeight()
  checkHeightWindow(vote.height, current, 'vote')
  // [REJECT] at the current height, the validator is in the height's validator set
  if (vote.height === current) {
    const set = context.validatorSet(current)
    if (set !== undefined && !set.byDid.has(vote.validator)) {
      throw GossipValidationError.of('UNKNOWN_VALIDATOR', `${vote.validator} is not a validator at height ${current}`)
    }
  }
  // [IGNORE] the same signed vote was already accepted (checked before the signature: cheaper)
  const key = signatureKey(vote.signature)
  if (seen.vote.has(key)) throw GossipValidationError.of('DUPLICATE', 'vote already seen')
  // [REJECT] the signature is the validator's over the vote, in the icn/vote/v1 domain
  if (!verifier.vote(vote)) throw GossipValidationError.of('BAD_SIGNATURE', `vote signature does not verify for ${vote.validator}`)
  seen.vote.add(key)
  return vote
}
