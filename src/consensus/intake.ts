/**
 * Admission of proposals, votes and sync commits into the engine's height state. Each rule sits next
 * to the check that enforces it; a failed check becomes a `rejected` output with a typed code, and
 * nothing is counted until its signature verifies. Messages for the next height wait (unverified, in
 * a bounded buffer) until it starts; further ones say we are behind.
 */
import type { CID } from '../codec/index.ts'
import { VoteType, type Proposal, type Vote } from './messages.ts'
import { verifyCommit } from './commit.ts'
import { blockKey } from './vote-tally.ts'
import { ConsensusError, type ConsensusErrorCode } from './errors.ts'
import { MAX_PROPOSALS_PER_ROUND } from './constants.ts'
import type { Engine } from './engine.ts'
import type { CommitInput, ProposalInput, VoteInput } from './types.ts'

type Message<B> = ProposalInput<B> | VoteInput
type InputKind = 'start' | 'proposal' | 'vote' | 'commit'

export class Intake<B> {
  private readonly e: Engine<B>
  private future: Array<Message<B>> = []
  private lastBehindAt = -Infinity

  constructor (engine: Engine<B>) {
    this.e = engine
  }

  reject (input: InputKind, code: ConsensusErrorCode, reason: string, from?: string): void {
    this.e.emit({ type: 'rejected', input, error: ConsensusError.verdict(code, reason), ...(from !== undefined ? { from } : {}) })
  }

  proposal (input: ProposalInput<B>): void {
    const e = this.e
    const p = input.proposal
    if (!this.admit('proposal', input, p.network, p.shard, p.height)) return
    if (e.decision !== null) return this.reject('proposal', 'ALREADY_DECIDED', `height ${p.height} is decided`, input.from)
    // [REJECT] validRound must be below the round (the POL is from an earlier round).
    if (p.validRound !== null && p.validRound >= p.round) {
      return this.reject('proposal', 'INVALID_VALID_ROUND', `validRound ${p.validRound} is not below round ${p.round}`, input.from)
    }
    // [REJECT] only proposer(h, r) may propose.
    if (p.proposer !== e.app.proposer(e.height, p.round)) {
      return this.reject('proposal', 'WRONG_PROPOSER', `${p.proposer} is not the proposer of ${p.height}/${p.round}`, input.from)
    }
    const validator = e.set.byDid.get(p.proposer)
    if (validator === undefined) return this.reject('proposal', 'UNKNOWN_VALIDATOR', `${p.proposer} is not a validator`, input.from)
    if (!this.roomAhead('proposal', p.proposer, p.round, input.from)) return
    const kept = e.hs.peek(p.round)?.proposals ?? []
    // [IGNORE] a proposal already held.
    if (kept.some((k) => k.proposal.block.equals(p.block) && k.proposal.validRound === p.validRound)) {
      return this.reject('proposal', 'DUPLICATE', `proposal ${p.height}/${p.round} already held`, input.from)
    }
    // [REJECT] the block travelling with the proposal must be the one it names.
    const cid = e.app.blockCid(input.block)
    if (!cid.equals(p.block)) return this.reject('proposal', 'BLOCK_MISMATCH', 'block does not match the proposal', input.from)
    // [REJECT] signature must verify.
    if (!e.verifier.proposal(p)) return this.reject('proposal', 'BAD_SIGNATURE', `proposal signature of ${p.proposer} does not verify`, input.from)
    if (kept.length > 0) {
      // A second signed proposal for the round is equivocation; keep it (bounded) so a decision on it can find its block.
      this.report(`${p.proposer}/${p.round}/proposal`, { kind: 'duplicate-proposal', first: kept[0]!.proposal, second: p })
      if (kept.length >= MAX_PROPOSALS_PER_ROUND) return this.reject('proposal', 'PROPOSAL_LIMIT', `${p.proposer} already has ${kept.length} proposals in round ${p.round}`, input.from)
    }
    this.store(p, input.block, cid, validator.power)
    e.log(input)
    e.advance()
  }

  vote (input: VoteInput): void {
    const e = this.e
    const v = input.vote
    if (!this.admit('vote', input, v.network, v.shard, v.height)) return
    // [REJECT] only validators of the height vote.
    const validator = e.set.byDid.get(v.validator)
    if (validator === undefined) return this.reject('vote', 'UNKNOWN_VALIDATOR', `${v.validator} is not a validator at height ${v.height}`, input.from)
    if (e.decision !== null) return this.latePrecommit(input)
    if (!this.roomAhead('vote', v.validator, v.round, input.from)) return
    const rs = e.hs.peek(v.round)
    const tally = v.type === VoteType.Prevote ? rs?.prevotes : rs?.precommits
    const check = tally?.check(v) ?? { kind: 'new' as const }
    // [IGNORE] the same vote again (gossip duplicates, re-broadcasts).
    if (check.kind === 'duplicate') return this.reject('vote', 'DUPLICATE', `vote of ${v.validator} already counted`, input.from)
    // [IGNORE] an equivocator already counted under every value we keep for it.
    if (check.kind === 'full') return this.reject('vote', 'DUPLICATE', `${v.validator} already has the most votes kept in round ${v.round}`, input.from)
    // [REJECT] signature must verify.
    if (!e.verifier.vote(v)) return this.reject('vote', 'BAD_SIGNATURE', `vote signature of ${v.validator} does not verify`, input.from)
    if (check.kind === 'conflict') {
      // A second, different vote in one round: evidence. It still counts for its own value (never
      // twice for one value, never twice in the total), as the paper counts messages per value.
      this.report(`${v.validator}/${v.round}/${v.type}`, { kind: 'duplicate-vote', first: check.existing, second: v })
    }
    const round = e.hs.round(v.round)
    ;(v.type === VoteType.Prevote ? round.prevotes : round.precommits).add(v, validator.power)
    round.addSender(v.validator, validator.power)
    e.log(input)
    e.advance()
  }

  /** A decided block from sync: its certificate and the block itself must check out. */
  commit (input: CommitInput<B>): void {
    const e = this.e
    const c = input.commit
    if (!e.started) return this.reject('commit', 'NOT_STARTED', 'no height started', input.from)
    if (c.height < e.height || (c.height === e.height && e.decision !== null)) {
      return this.reject('commit', 'OLD_HEIGHT', `height ${c.height} is already decided`, input.from)
    }
    if (c.height > e.height) return this.reject('commit', 'FUTURE_HEIGHT', `commit for ${c.height} while at ${e.height}`, input.from)
    const cid = e.app.blockCid(input.block)
    if (!cid.equals(c.block)) return this.reject('commit', 'BLOCK_MISMATCH', 'block does not match the commit', input.from)
    try {
      verifyCommit(e.network, e.shard, c, e.set, { height: e.height, block: cid, verifier: e.verifier })
    } catch (err) {
      if (!(err instanceof ConsensusError)) throw err
      e.emit({ type: 'rejected', input: 'commit', error: err, ...(input.from !== undefined ? { from: input.from } : {}) })
      return
    }
    const held = { block: input.block, cid, key: blockKey(cid) }
    if (!e.isValid(held)) return this.reject('commit', 'INVALID_BLOCK', `block ${cid.toString()} is not valid here`, input.from)
    e.hs.blocks.set(held.key, { block: held.block, cid })
    e.decide(c.round, held, c)
  }

  storeOwnProposal (proposal: Proposal, block: B): void {
    const kept = this.e.hs.peek(proposal.round)?.proposals ?? []
    if (kept.some((k) => k.proposal.block.equals(proposal.block))) return
    this.store(proposal, block, proposal.block, this.e.me!.power)
  }

  countOwnVote (vote: Vote, power: bigint): void {
    const round = this.e.hs.round(vote.round)
    const tally = vote.type === VoteType.Prevote ? round.prevotes : round.precommits
    const check = tally.check(vote).kind
    if (check === 'new' || check === 'conflict') tally.add(vote, power)
    round.addSender(vote.validator, power)
  }

  /** Replays the buffered messages of the height that just started, as if they arrived now. */
  drainFuture (): void {
    const height = this.e.height
    const ready = this.future.filter((m) => heightOf(m) === height)
    this.future = []
    for (const m of ready) {
      if (m.type === 'proposal') this.proposal({ ...m, now: this.e.now })
      else this.vote({ ...m, now: this.e.now })
    }
  }

  /** Stuck while peers already talk about the next height: we missed a decision, fetch it. */
  hintIfBufferedAhead (): void {
    if (this.future.length === 0) return
    const from = this.future.find((m) => m.from !== undefined)?.from
    this.e.emit({ type: 'behind', height: this.e.height + 1, ...(from !== undefined ? { from } : {}) })
  }

  private store (p: Proposal, block: B, cid: CID, power: bigint): void {
    const e = this.e
    const key = blockKey(cid)
    const round = e.hs.round(p.round)
    round.proposals.push({ proposal: p, block, cid, key })
    if (!e.hs.blocks.has(key)) e.hs.blocks.set(key, { block, cid })
    round.addSender(p.proposer, power)
  }

  private report (id: string, evidence: { kind: 'duplicate-vote', first: Vote, second: Vote } | { kind: 'duplicate-proposal', first: Proposal, second: Proposal }): void {
    if (this.e.hs.reported.has(id)) return
    this.e.hs.reported.add(id)
    this.e.emit({ type: 'evidence', evidence })
  }

  /**
   * Network, shard and height gate. Returns true when the message is for the current height; messages
   * for the next height are buffered, beyond that they trigger a (rate-limited) `behind` output.
   */
  private admit (kind: 'proposal' | 'vote', input: Message<B>, network: CID, shard: number, height: number): boolean {
    const e = this.e
    // [REJECT] messages of another network or shard.
    if (!network.equals(e.network)) { this.reject(kind, 'WRONG_NETWORK', 'message is for another network', input.from); return false }
    if (shard !== e.shard) { this.reject(kind, 'WRONG_SHARD', `message is for shard ${shard}`, input.from); return false }
    if (!e.started) { this.reject(kind, 'NOT_STARTED', 'no height started', input.from); return false }
    if (height === e.height) return true
    if (height < e.height) { this.reject(kind, 'OLD_HEIGHT', `height ${height} is behind ${e.height}`, input.from); return false }
    if (height === e.height + 1) {
      this.future.push(input)
      if (this.future.length > e.futureBufferSize) this.future.shift()
      return false
    }
    if (e.now - this.lastBehindAt >= e.rebroadcastMs) {
      this.lastBehindAt = e.now
      e.emit({ type: 'behind', height, ...(input.from !== undefined ? { from: input.from } : {}) })
    }
    this.reject(kind, 'FUTURE_HEIGHT', `height ${height} is ahead of ${e.height}`, input.from)
    return false
  }

  /** [IGNORE] a validator already heard in too many rounds ahead of ours (bounds memory). */
  private roomAhead (kind: 'proposal' | 'vote', did: string, round: number, from?: string): boolean {
    const e = this.e
    if (round <= e.round || e.hs.peek(round)?.senders.has(did) === true) return true
    if (e.hs.futureRoundsOf(did, e.round) < e.maxFutureRounds) return true
    this.reject(kind, 'TOO_MANY_FUTURE_ROUNDS', `${did} already has messages in ${e.maxFutureRounds} rounds ahead`, from)
    return false
  }

  /** After the decision, precommits for the decided block still join its certificate (fairer rewards). */
  private latePrecommit (input: VoteInput): void {
    const e = this.e
    const v = input.vote
    const d = e.decision!
    if (v.type !== VoteType.Precommit || v.round !== d.round || v.block === null || !v.block.equals(d.cid)) {
      return this.reject('vote', 'ALREADY_DECIDED', `height ${v.height} is decided`, input.from)
    }
    if (d.commit.signatures.some((s) => s.validator === v.validator)) return this.reject('vote', 'DUPLICATE', `precommit of ${v.validator} already in the commit`, input.from)
    if (!e.verifier.vote(v)) return this.reject('vote', 'BAD_SIGNATURE', `vote signature of ${v.validator} does not verify`, input.from)
    e.extendCommit(v)
  }
}

function heightOf<B> (m: Message<B>): number {
  return m.type === 'proposal' ? m.proposal.height : m.vote.height
}
