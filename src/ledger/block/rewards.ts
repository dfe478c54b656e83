/**
 * Validator rewards and penalties (SPEC §7), applied when block h+1 executes, from its lastCommit
 * (the commit of block h), against the validator set that voted on block h. Integer arithmetic only:
 * - a signer earns base × (1 + performance / 2) in `validation` (base 10 points, 20 for the proposer
 *   of block h; plus the participation tenth), its performance becomes 95 % × performance + 5 % and
 *   its consecutive misses reset;
 * - a member of the set missing from the commit has missed += 1, loses 10 × 1.5 × missed points of
 *   `validation` and 5 % of its performance; at maxMissedRounds misses or below minPerformance it is
 *   removed (computeValidatorSet filters it) until it recovers (see state/validators.ts).
 */
import type { Commit } from '../../consensus/messages.ts'
import type { ValidatorSet } from '../../consensus/validator-set.ts'
import { PPM, VALIDATOR_REWARD } from '../constants.ts'
import type { Params } from '../state/meta.ts'
import { addReputation } from '../state/reputation.ts'
import type { StateOverlay } from '../state/store.ts'
import { effectiveValidatorRecord, getValidatorRecord, putValidatorRecord } from '../state/validators.ts'

/** base × (1 + 0.5 × performance), milli-points. */
export function signerReward (base: number, performance: number): number {
  return Number((BigInt(base) * BigInt(PPM + Math.floor(performance / 2))) / BigInt(PPM))
}

export function performanceAfterSigning (performance: number): number {
  const p = Number((BigInt(performance) * BigInt(VALIDATOR_REWARD.performanceKeepPpm)) / BigInt(PPM)) + VALIDATOR_REWARD.performanceGainPpm
  return Math.min(PPM, p)
}

export function performanceAfterMissing (performance: number): number {
  return Number((BigInt(performance) * BigInt(VALIDATOR_REWARD.performanceKeepPpm)) / BigInt(PPM))
}

export function applyCommitRewards (view: StateOverlay, opts: {
  commit: Commit | null
  /** The set that voted on the committed block. */
  set: ValidatorSet
  /** Proposer of the committed block. */
  proposer: string | null
  time: number
  params: Params
}): void {
  const { commit, set, proposer, time, params } = opts
  if (commit === null) return
  const signers = new Set(commit.signatures.map((s) => s.validator))
  for (const v of set.validators) {
    const record = effectiveValidatorRecord(getValidatorRecord(view, v.did), time, params)
    if (signers.has(v.did)) {
      const base = v.did === proposer ? VALIDATOR_REWARD.proposer : VALIDATOR_REWARD.signer
      addReputation(view, v.did, 'validation', signerReward(base, record.performance), time)
      putValidatorRecord(view, v.did, { ...record, performance: performanceAfterSigning(record.performance), missed: 0 })
    } else {
      const missed = record.missed + 1
      const performance = performanceAfterMissing(record.performance)
      addReputation(view, v.did, 'validation', -VALIDATOR_REWARD.missPerCount * missed, time)
      const removed = missed >= params.consensus.maxMissedRounds || performance < params.consensus.minPerformance
      putValidatorRecord(view, v.did, {
        ...record,
        missed,
        performance,
        removedAt: removed ? (record.removedAt ?? time) : record.removedAt
      })
    }
  }
}
