/**
 * Everything the engine has received for one height: per round the proposals, the prevote and
 * precommit tallies and who has spoken (for the f+1 round-skip rule), plus the blocks seen and the
 * app's verdicts on them. Only the engine mutates it, from inside `step`.
 */
import type { CID } from '../codec/index.ts'
import type { Proposal } from './messages.ts'
import type { ValidatorSet } from './validator-set.ts'
import type { BlockVerdict } from './types.ts'
import { VoteTally } from './vote-tally.ts'

export interface ProposalEntry<B> {
  proposal: Proposal
  block: B
  cid: CID
  /** blockKey(cid) */
  key: string
}

export class RoundState<B> {
  readonly proposals: Array<ProposalEntry<B>> = []
  readonly prevotes: VoteTally
  readonly precommits: VoteTally
  /** Validators with any message in this round, and their power. */
  readonly senders = new Map<string, bigint>()
  senderPower = 0n
  /** "for the first time" guards of the upon-rules. */
  prevoteTimeoutScheduled = false
  precommitTimeoutScheduled = false
  lockRuleFired = false

  constructor (set: ValidatorSet) {
    this.prevotes = new VoteTally(set)
    this.precommits = new VoteTally(set)
  }

  addSender (did: string, power: bigint): void {
    if (this.senders.has(did)) return
    this.senders.set(did, power)
    this.senderPower += power
  }
}

export class HeightState<B> {
  readonly rounds = new Map<number, RoundState<B>>()
  /** Blocks carried by proposals of this height, by key. */
  readonly blocks = new Map<string, { block: B, cid: CID }>()
  readonly verdicts = new Map<string, BlockVerdict>()
  /** Validator + round + type already reported as equivocating, so evidence goes out once. */
  readonly reported = new Set<string>()
  private readonly set: ValidatorSet

  constructor (set: ValidatorSet) {
    this.set = set
  }

  round (r: number): RoundState<B> {
    let rs = this.rounds.get(r)
    if (rs === undefined) {
      rs = new RoundState<B>(this.set)
      this.rounds.set(r, rs)
    }
    return rs
  }

  peek (r: number): RoundState<B> | undefined {
    return this.rounds.get(r)
  }

  /** Rounds above `current` in which `did` already has a message. */
  futureRoundsOf (did: string, current: number): number {
    let n = 0
    for (const [r, rs] of this.rounds) if (r > current && rs.senders.has(did)) n++
    return n
  }
}

/** Key of a message this node signed, in the engine's own-message map: `height/round/kind`. */
export function ownKey (height: number, round: number, kind: number | 'proposal'): string {
  return `${height}/${round}/${kind}`
}
