/**
 * Consensus wire messages shared by the engine, the ledger (commit certificates in block headers,
 * equivocation evidence) and the network. Signatures cover the canonical encoding of the message
 * without its signature, in the `icn/vote/v1` or `icn/proposal/v1` domain.
 */
import { encode, z, uint, cid, bytes, parse, type CID } from '../codec/index.ts'
import { Domain, verify, publicKeyFromDid, isDid, type KeyPair } from '../identity/index.ts'

export const VoteType = { Prevote: 1, Precommit: 2 } as const
export type VoteType = typeof VoteType[keyof typeof VoteType]

const did = z.string().refine(isDid, 'must be an Ed25519 did:key')
const signature = bytes({ len: 64 })

/** What a validator signs when it votes. `block: null` is a nil vote (no acceptable block this round). */
export interface VoteBody {
  network: CID
  shard: number
  height: number
  round: number
  type: VoteType
  block: CID | null
  validator: string
}
export interface Vote extends VoteBody { signature: Uint8Array }

export const voteSchema = z.strictObject({
  network: cid,
  shard: uint,
  height: uint,
  round: uint,
  type: z.union([z.literal(VoteType.Prevote), z.literal(VoteType.Precommit)]),
  block: cid.nullable(),
  validator: did,
  signature
})

/** A proposer's signed claim on (height, round). The block travels beside it, named by `block`. */
export interface ProposalBody {
  network: CID
  shard: number
  height: number
  round: number
  /** The round of the proof-of-lock this block is re-proposed with, or null for a fresh block. */
  validRound: number | null
  block: CID
  proposer: string
}
export interface Proposal extends ProposalBody { signature: Uint8Array }

export const proposalSchema = z.strictObject({
  network: cid,
  shard: uint,
  height: uint,
  round: uint,
  validRound: uint.nullable(),
  block: cid,
  proposer: did,
  signature
})

/** One precommit inside a commit certificate: the rest of the vote body is the commit's own. */
export interface CommitSig { validator: string, signature: Uint8Array }

/** Precommits from more than 2/3 of voting power for `block` at (height, round): proof of finality. */
export interface Commit {
  height: number
  round: number
  block: CID
  signatures: CommitSig[]
}

export const commitSchema = z.strictObject({
  height: uint,
  round: uint,
  block: cid,
  signatures: z.array(z.strictObject({ validator: did, signature })).max(10_000)
})

export function voteBody (vote: Vote): VoteBody {
  const { signature: _, ...body } = vote
  return body
}

export function signVote (key: KeyPair, body: VoteBody): Vote {
  return { ...body, signature: key.sign(Domain.Vote, encode(body)) }
}

export function verifyVote (vote: Vote): boolean {
  return verify(publicKeyFromDid(vote.validator), Domain.Vote, encode(voteBody(vote)), vote.signature)
}

export function signProposal (key: KeyPair, body: ProposalBody): Proposal {
  return { ...body, signature: key.sign(Domain.Proposal, encode(body)) }
}

export function verifyProposal (proposal: Proposal): boolean {
  const { signature, ...body } = proposal
  return verify(publicKeyFromDid(proposal.proposer), Domain.Proposal, encode(body), signature)
}

/** The precommit a commit signature stands for, so it can be verified like any vote. */
export function commitVote (network: CID, shard: number, commit: Commit, sig: CommitSig): Vote {
  return {
    network,
    shard,
    height: commit.height,
    round: commit.round,
    type: VoteType.Precommit,
    block: commit.block,
    validator: sig.validator,
    signature: sig.signature
  }
}

export function parseVote (value: unknown, field = ''): Vote {
  return parse(voteSchema, value, field) as Vote
}

export function parseProposal (value: unknown, field = ''): Proposal {
  return parse(proposalSchema, value, field) as Proposal
}

export function parseCommit (value: unknown, field = ''): Commit {
  return parse(commitSchema, value, field) as Commit
}
