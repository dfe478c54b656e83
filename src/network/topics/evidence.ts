/**
 * Topic `evidence`: proof of a double-sign, two conflicting signed votes (protocols/gossip.md,
 * "evidence"). Payload: DAG-CBOR `{a: Vote, b: Vote}`. The node turns accepted evidence into an
 * evidence transaction; the gossip only spreads it.
 */
import { encode, z } from '../../codec/index.ts'
import { ConsensusError, verifyDuplicateVoteEvidence, voteSchema, type Vote } from '../../consensus/index.ts'
import { GossipValidationError, type GossipErrorCode } from './errors.ts'
import { decodePayload } from './common.ts'
import { EVIDENCE_MESSAGE_MAX_BYTES } from './constants.ts'
import type { ValidationDeps } from './types.ts'

export interface EvidenceMessage { a: Vote, b: Vote }

export const evidenceMessageSchema = z.strictObject({ a: voteSchema, b: voteSchema })

export function encodeEvidenceMessage (a: Vote, b: Vote): Uint8Array {
  return encode({ a, b })
}

export function decodeEvidenceMessage (data: Uint8Array): EvidenceMessage {
  return decodePayload(evidenceMessageSchema, data, EVIDENCE_MESSAGE_MAX_BYTES, 'evidence message') as EvidenceMessage
}

/**
 * The offence a piece of evidence proves, `<validator DID>:<height>:<round>:<vote type>`: the ledger
 * punishes each offence once, however many vote pairs prove it.
 */
export function evidenceKey (vote: Pick<Vote, 'validator' | 'height' | 'round' | 'type'>): string {
  return `${vote.validator}:${vote.height}:${vote.round}:${vote.type}`
}

const CONSENSUS_CODE: Partial<Record<string, GossipErrorCode>> = {
  WRONG_NETWORK: 'WRONG_NETWORK',
  WRONG_SHARD: 'WRONG_SHARD',
  BAD_SIGNATURE: 'BAD_SIGNATURE'
}

/** The rules in order; the first that fails decides. Returns the two votes, the offence recorded as seen. */
export function validateEvidence (data: Uint8Array, deps: ValidationDeps): EvidenceMessage {
  const { context, verifier, seen } = deps
  // [REJECT] at most 2 KiB; canonical DAG-CBOR {a, b} with two well-formed votes
  const { a, b } = decodeEvidenceMessage(data)
  const key = evidenceKey(a)
  // [IGNORE] evidence of this offence was already accepted here
  if (seen.evidence.has(key)) throw GossipValidationError.of('DUPLICATE', `evidence of ${key} already seen`)
  // [IGNORE] the offence was already punished on chain
  if (context.knownEvidence(key)) throw GossipValidationError.of('KNOWN', `offence ${key} already punished`)
  // [IGNORE] the offence is not beyond the height being decided (the ledger could not use it yet)
  const current = context.currentHeight()
  if (a.height > current) throw GossipValidationError.of('FUTURE', `evidence for height ${a.height}, deciding ${current}`)
  // [REJECT] both votes are for our network and shard, by one validator, at one height, round and
  // type, for different blocks, and both signatures verify (verifyDuplicateVoteEvidence)
  try {
    verifyDuplicateVoteEvidence(context.networkId, context.shard, a, b, verifier)
  } catch (err) {
    if (err instanceof ConsensusError) throw GossipValidationError.of(CONSENSUS_CODE[err.code] ?? 'INVALID_EVIDENCE', `evidence: ${err.message}`, err.code)
    throw err
  }
  seen.evidence.add(key)
  return { a, b }
}
