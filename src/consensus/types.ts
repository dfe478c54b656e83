/**
 * The engine's contract with the world: the application it orders blocks for (ABCI-style), the inputs
 * `step` consumes and the outputs it returns. The engine never reads a clock or touches the network:
 * `now` comes with every input, and every effect is an output for the adapter to carry out.
 */
import type { CID } from '../codec/index.ts'
import type { Commit, Proposal, Vote } from './messages.ts'
import type { ValidatorSet } from './validator-set.ts'
import type { ConsensusError } from './errors.ts'
import type { Evidence } from './evidence.ts'
import type { RoundStep } from './timeouts.ts'

export type BlockVerdict = { ok: true } | { ok: false, reason: string }

export interface BuildBlockRequest {
  height: number
  round: number
  /** The proposer's clock; the app makes the block time strictly greater than the parent's. */
  timestamp: number
  /** Commit certificate of height − 1 (null at the first height): the new block's lastCommit. */
  lastCommit: Commit | null
}

/**
 * What the engine needs from the application. Every method is synchronous and deterministic for a
 * given committed state: the engine only asks about its current height, i.e. the block after the
 * application's committed head. The adapter applies a decided block before it starts the next height.
 */
export interface ConsensusApp<B> {
  /** The validators that vote at `height` (computed from the state after height − 1). */
  validatorSet: (height: number) => ValidatorSet
  /** DID of the proposer of (height, round): selectProposer over the parent CID and recent proposers. */
  proposer: (height: number, round: number) => string
  /** A fresh block for (height, round) on top of the committed head. */
  buildBlock: (request: BuildBlockRequest) => { block: B, cid: CID }
  /**
   * Full validation of a proposed block on top of the committed head, re-executing it: structure,
   * parent, timestamp strictly after the parent's, proposer, lastCommit (verifyCommit), state root.
   * Must not depend on the local clock (the engine applies the clock-drift rule itself).
   */
  verifyBlock: (height: number, block: B, cid: CID) => BlockVerdict
  blockCid: (block: B) => CID
  /** The block's timestamp (ms), for the engine's "not too far in the future" prevote rule. */
  blockTime: (block: B) => number
}

/** A timeout the adapter must fire back as a `timeout` input after `durationMs` of local time. */
export interface TimeoutInfo {
  height: number
  round: number
  step: RoundStep
  durationMs: number
}

export interface StartInput {
  type: 'start'
  now: number
  height: number
  /** Commit of height − 1 as stored with that block (null at the first height). */
  lastCommit: Commit | null
}
export interface ProposalInput<B> {
  type: 'proposal'
  now: number
  proposal: Proposal
  block: B
  /** Opaque id of the peer it came from, echoed in `behind` outputs. */
  from?: string
}
export interface VoteInput {
  type: 'vote'
  now: number
  vote: Vote
  from?: string
}
export interface TimeoutInput {
  type: 'timeout'
  now: number
  height: number
  round: number
  step: RoundStep
}
/** A decided block from sync (block + its commit certificate) for the current height. */
export interface CommitInput<B> {
  type: 'commit'
  now: number
  block: B
  commit: Commit
  from?: string
}
/**
 * Periodic clock tick (also the "transactions available" signal: empty blocks are allowed, so a
 * proposer never waits for transactions). Drives re-broadcast when the engine is stuck.
 */
export interface TickInput {
  type: 'tick'
  now: number
}

export type EngineInput<B> = StartInput | ProposalInput<B> | VoteInput | TimeoutInput | CommitInput<B> | TickInput

/** What the write-ahead log holds: the accepted inputs of the current height, in order, own messages included. */
export type WalEntry<B> = StartInput | ProposalInput<B> | VoteInput | TimeoutInput

export type EngineOutput<B> =
  /**
   * Persist `entry` before carrying out any later output of the same step. A `start` entry begins
   * a new log: everything before it may be dropped.
   */
  | { type: 'wal', entry: WalEntry<B> }
  | { type: 'broadcast-proposal', proposal: Proposal, block: B }
  | { type: 'broadcast-vote', vote: Vote }
  | { type: 'schedule-timeout', timeout: TimeoutInfo }
  /**
   * `block` is final. The adapter applies and stores it with `commit`, then sends `start` for
   * height + 1 (after its commit delay, if any).
   */
  | { type: 'decide', height: number, round: number, block: B, cid: CID, commit: Commit }
  | { type: 'evidence', evidence: Evidence }
  /** An input refused; `error.action` says whether the sender misbehaved ('reject') or it is noise ('ignore'). */
  | { type: 'rejected', input: 'start' | 'proposal' | 'vote' | 'commit', error: ConsensusError, from?: string }
  /** Peers are at `height` or beyond while we are not: fetch decided blocks (from `from` if known). */
  | { type: 'behind', height: number, from?: string }

export interface EngineState {
  started: boolean
  height: number
  round: number
  step: RoundStep
  decided: boolean
  /** True when this node's key is in the validator set of the height. */
  validator: boolean
  lockedRound: number
  lockedBlock: CID | null
  validRound: number
  validBlock: CID | null
}
