/**
 * Commit certificates: precommits from more than 2/3 of voting power for one block at one
 * (height, round). The engine builds one when it decides; the ledger checks the `lastCommit` of every
 * block with verifyCommit and sync checks every block it downloads the same way.
 */
import type { CID } from '../codec/index.ts'
import { commitVote, type Commit, type CommitSig, type Vote } from './messages.ts'
import { hasTwoThirds, type ValidatorSet } from './validator-set.ts'
import { ConsensusError } from './errors.ts'
import { plainVerifier, type SignatureVerifier } from './verifier.ts'

/** A commit from precommits for `block`, signatures sorted by validator so every node encodes it alike. */
export function buildCommit (height: number, round: number, block: CID, precommits: Iterable<Vote>): Commit {
  const signatures = [...precommits]
    .map((v) => ({ validator: v.validator, signature: v.signature }))
    .sort((a, b) => (a.validator < b.validator ? -1 : a.validator > b.validator ? 1 : 0))
  return { height, round, block, signatures }
}

export interface CommitCheck {
  /** Voting power of the signers. */
  power: bigint
  /** DIDs of the validators whose precommit is in the commit (the ones rewarded). */
  signers: string[]
}

export interface VerifyCommitOptions {
  /** The height the commit must be for. */
  height?: number
  /** The block the commit must be for. */
  block?: CID
  verifier?: SignatureVerifier
}

/**
 * Checks a commit certificate against the validator set of its height: every signer in the set,
 * no signer twice, every signature a valid precommit in this network and shard, and more than 2/3 of
 * the set's voting power. Throws ConsensusError (COMMIT_*) naming the first failure.
 */
export function verifyCommit (network: CID, shard: number, commit: Commit, set: ValidatorSet, opts: VerifyCommitOptions = {}): CommitCheck {
  if (opts.height !== undefined && commit.height !== opts.height) {
    throw new ConsensusError('COMMIT_WRONG_HEIGHT', `commit is for height ${commit.height}, expected ${opts.height}`)
  }
  if (opts.block !== undefined && !commit.block.equals(opts.block)) {
    throw new ConsensusError('COMMIT_WRONG_BLOCK', `commit is for block ${commit.block.toString()}, expected ${String(opts.block)}`)
  }
  const verifier = opts.verifier ?? plainVerifier
  const seen = new Set<string>()
  let power = 0n
  for (const [i, sig] of commit.signatures.entries()) {
    const validator = set.byDid.get(sig.validator)
    if (validator === undefined) {
      throw new ConsensusError('COMMIT_UNKNOWN_VALIDATOR', `signatures.${i}: ${sig.validator} is not a validator at height ${commit.height}`)
    }
    if (seen.has(sig.validator)) {
      throw new ConsensusError('COMMIT_DUPLICATE_SIGNATURE', `signatures.${i}: ${sig.validator} signs twice`)
    }
    seen.add(sig.validator)
    if (!verifier.vote(commitVote(network, shard, commit, sig))) {
      throw new ConsensusError('COMMIT_BAD_SIGNATURE', `signatures.${i}: precommit of ${sig.validator} does not verify`)
    }
    power += validator.power
  }
  if (!hasTwoThirds(set, power)) {
    throw new ConsensusError('COMMIT_INSUFFICIENT_POWER', `commit holds ${power} of ${set.totalPower} voting power, not more than 2/3`)
  }
  return { power, signers: [...seen] }
}

/** A copy of `commit` with one more signature, kept in validator order. */
export function withSignature (commit: Commit, sig: CommitSig): Commit {
  const signatures = [...commit.signatures, sig].sort((a, b) => (a.validator < b.validator ? -1 : a.validator > b.validator ? 1 : 0))
  return { ...commit, signatures }
}
