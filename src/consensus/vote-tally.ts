/**
 * The votes of one type in one round, counted as the paper counts messages: per value, from distinct
 * validators. A validator is counted once in the total ("2f+1 of any"), and once in the tally of each
 * value it voted for: an honest validator votes once, so only an equivocator can appear under two
 * values, which the caller reports as evidence. Counting its second vote for that second value is what
 * lets an honest node recognise a proof of lock other honest nodes saw (safety does not depend on it:
 * two 2/3 quorums still share an honest validator while byzantine power is below 1/3).
 */
import type { CID } from '../codec/index.ts'
import type { Vote } from './messages.ts'
import { hasTwoThirds, type ValidatorSet } from './validator-set.ts'
import { MAX_PROPOSALS_PER_ROUND } from './constants.ts'

/** Key of a nil vote in the per-block tallies. */
export const NIL = 'nil'

/** Distinct values kept per validator: nil and every block a round may have had proposed. */
export const MAX_VALUES_PER_VALIDATOR = 1 + MAX_PROPOSALS_PER_ROUND

export function blockKey (block: CID | null): string {
  return block === null ? NIL : block.toString()
}

export type TallyCheck =
  | { kind: 'new' }
  | { kind: 'duplicate' }
  /** A vote for another value than `existing` (the validator's first vote): equivocation. */
  | { kind: 'conflict', existing: Vote }
  /** An equivocator already has MAX_VALUES_PER_VALIDATOR values here. */
  | { kind: 'full' }

export class VoteTally {
  /** Every vote kept, per validator, first vote first. */
  private readonly byValidator = new Map<string, Vote[]>()
  private readonly byBlock = new Map<string, bigint>()
  private readonly set: ValidatorSet
  /** Power of the distinct validators that voted, whatever for. */
  total = 0n
  /** Values that reached more than 2/3 of the power, in the order they did. */
  readonly quorums: string[] = []

  constructor (set: ValidatorSet) {
    this.set = set
  }

  check (vote: Vote): TallyCheck {
    const kept = this.byValidator.get(vote.validator)
    if (kept === undefined) return { kind: 'new' }
    const key = blockKey(vote.block)
    if (kept.some((v) => blockKey(v.block) === key)) return { kind: 'duplicate' }
    if (kept.length >= MAX_VALUES_PER_VALIDATOR) return { kind: 'full' }
    return { kind: 'conflict', existing: kept[0]! }
  }

  /** Counts a vote the caller checked is new or a conflict. */
  add (vote: Vote, power: bigint): void {
    const kept = this.byValidator.get(vote.validator)
    if (kept === undefined) {
      this.byValidator.set(vote.validator, [vote])
      this.total += power
    } else {
      kept.push(vote)
    }
    const key = blockKey(vote.block)
    const sum = (this.byBlock.get(key) ?? 0n) + power
    this.byBlock.set(key, sum)
    if (!this.quorums.includes(key) && hasTwoThirds(this.set, sum)) this.quorums.push(key)
  }

  /** The validator's first vote here, if any. */
  first (validator: string): Vote | undefined {
    return this.byValidator.get(validator)?.[0]
  }

  powerFor (key: string): bigint {
    return this.byBlock.get(key) ?? 0n
  }

  hasTwoThirdsFor (key: string): boolean {
    return hasTwoThirds(this.set, this.powerFor(key))
  }

  hasTwoThirdsAny (): boolean {
    return hasTwoThirds(this.set, this.total)
  }

  /** One vote per validator for `key`. */
  votesFor (key: string): Vote[] {
    const out: Vote[] = []
    for (const kept of this.byValidator.values()) {
      const v = kept.find((x) => blockKey(x.block) === key)
      if (v !== undefined) out.push(v)
    }
    return out
  }

  /** Every vote kept, conflicting ones included (relaying both halves spreads the evidence). */
  all (): Vote[] {
    return [...this.byValidator.values()].flat()
  }
}
