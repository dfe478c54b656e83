/**
 * Equivocation evidence (SPEC §7): two messages a validator signed for the same (height, round, type)
 * naming different blocks. The engine reports what it sees; anyone may submit vote evidence in an
 * evidence transaction, and the ledger checks it with verifyDuplicateVoteEvidence.
 */
import type { CID } from '../codec/index.ts'
import type { Proposal, Vote } from './messages.ts'
import { blockKey } from './vote-tally.ts'
import { ConsensusError } from './errors.ts'
import { plainVerifier, type SignatureVerifier } from './verifier.ts'

export type Evidence =
  | { kind: 'duplicate-vote', first: Vote, second: Vote }
  /** A proposer that signed two proposals for one round. Informational: the ledger punishes votes. */
  | { kind: 'duplicate-proposal', first: Proposal, second: Proposal }

/**
 * Throws unless `a` and `b` are two validly signed votes of one validator, in this network and shard,
 * at one height, round and type, for different blocks (nil counts as a block here: voting nil and a
 * block in one round is a double-sign too).
 */
export function verifyDuplicateVoteEvidence (network: CID, shard: number, a: Vote, b: Vote, verifier: SignatureVerifier = plainVerifier): void {
  for (const v of [a, b]) {
    if (!v.network.equals(network)) throw new ConsensusError('WRONG_NETWORK', 'evidence vote is from another network')
    if (v.shard !== shard) throw new ConsensusError('WRONG_SHARD', `evidence vote is for shard ${v.shard}, expected ${shard}`)
  }
  if (a.validator !== b.validator || a.height !== b.height || a.round !== b.round || a.type !== b.type) {
    throw new ConsensusError('EVIDENCE_MISMATCH', 'evidence votes differ in validator, height, round or type')
  }
  if (blockKey(a.block) === blockKey(b.block)) {
    throw new ConsensusError('EVIDENCE_NOT_CONFLICTING', 'evidence votes name the same block')
  }
  if (!verifier.vote(a) || !verifier.vote(b)) throw new ConsensusError('BAD_SIGNATURE', 'an evidence vote does not verify')
}
