/**
 * Validator bookkeeping (SPEC §7) and the validator set derived from it. A member becomes a candidate
 * by declaring it (a validator must run a node, so reputation alone does not enlist anyone); whether a
 * candidate validates at a height is decided by `computeValidatorSet` from reputation, performance,
 * misses and sanctions at the last block's time.
 *
 * Two rules are evaluated lazily from block time, so no block has to visit every validator:
 * - a validator removed for misses or low performance returns after `validatorRecoveryMs` on probation
 *   (missed = 0, performance raised to the minimum), so nobody is locked out forever (SPEC §15);
 * - the sanction level drops by one per `sanctionDecayMs` without offence, except at or above the
 *   exclusion level, which is permanent.
 */
import { computeValidatorSet, type ValidatorCandidate, type ValidatorSet } from '../../consensus/validator-set.ts'
import { PPM } from '../constants.ts'
import type { StateReader, StateOverlay } from './store.ts'
import { Keys } from './keys.ts'
import { getChain, getParams, type Params, type StoredValidator } from './meta.ts'
import { getMember } from './members.ts'
import { totalReputation } from './reputation.ts'

export interface ValidatorRecord {
  /** ppm; starts at 1.0. */
  performance: number
  /** Consecutive commits missed. */
  missed: number
  sanctionLevel: number
  /** Block time of the last offence (or of the last lazy level drop). */
  lastOffenceAt: number | null
  /** Block time the validator was removed for misses or low performance. */
  removedAt: number | null
}

export const NEW_VALIDATOR_RECORD: ValidatorRecord = Object.freeze({
  performance: PPM, missed: 0, sanctionLevel: 0, lastOffenceAt: null, removedAt: null
})

export function getValidatorRecord (view: StateReader, did: string): ValidatorRecord {
  return (view.read(Keys.validator(did)) as ValidatorRecord | undefined) ?? NEW_VALIDATOR_RECORD
}

export function putValidatorRecord (view: StateOverlay, did: string, record: ValidatorRecord): void {
  view.write(Keys.validator(did), record)
}

/** The record as it stands at `time`, with recovery and sanction decay applied. */
export function effectiveValidatorRecord (record: ValidatorRecord, time: number, params: Params): ValidatorRecord {
  let out = record
  const { consensus, economics } = params
  if (out.removedAt !== null && time - out.removedAt >= economics.validatorRecoveryMs) {
    out = { ...out, missed: 0, performance: Math.max(out.performance, consensus.minPerformance), removedAt: null }
  }
  if (out.sanctionLevel > 0 && out.sanctionLevel < consensus.exclusionSanctionLevel && out.lastOffenceAt !== null) {
    const drops = Math.min(out.sanctionLevel, Math.floor((time - out.lastOffenceAt) / economics.sanctionDecayMs))
    if (drops > 0) {
      out = { ...out, sanctionLevel: out.sanctionLevel - drops, lastOffenceAt: out.lastOffenceAt + drops * economics.sanctionDecayMs }
    }
  }
  return out
}

export function getCandidates (view: StateReader): readonly string[] {
  return (view.read(Keys.candidates) as string[] | undefined) ?? []
}

/** Adds or removes `did` from the sorted candidate list. */
export function setCandidate (view: StateOverlay, did: string, active: boolean): void {
  const current = getCandidates(view)
  const has = current.includes(did)
  if (has === active) return
  const next = active ? [...current, did].sort() : current.filter((d) => d !== did)
  view.write(Keys.candidates, next)
}

/** What computeValidatorSet needs about every candidate, at block time `time`. */
export function candidatesAt (view: StateReader, time: number): ValidatorCandidate[] {
  const params = getParams(view)
  return getCandidates(view).map((did) => {
    const record = effectiveValidatorRecord(getValidatorRecord(view, did), time, params)
    return {
      did,
      reputation: totalReputation(view, did, time),
      performance: record.performance,
      missed: record.missed,
      sanctionLevel: record.sanctionLevel,
      member: getMember(view, did) !== undefined
    }
  })
}

/**
 * The validator set for the next height (the one after the state's last block). If fewer than
 * minValidators are eligible, the last set carries over unchanged: penalties must not stall the chain.
 */
export function nextValidatorSet (view: StateReader): ValidatorSet {
  const chain = getChain(view)
  const params = getParams(view)
  const set = computeValidatorSet(candidatesAt(view, chain.time), params.consensus)
  if (set.validators.length < params.consensus.minValidators && chain.lastValidators.length > 0) {
    return fromStored(chain.lastValidators)
  }
  return set
}

/** The set that voted on the state's last block, which its commit (in the next block) is checked against. */
export function lastValidatorSet (view: StateReader): ValidatorSet {
  return fromStored(getChain(view).lastValidators)
}

export function toStored (set: ValidatorSet): StoredValidator[] {
  return set.validators.map((v) => ({ did: v.did, power: Number(v.power), weight: Number(v.weight) }))
}

export function fromStored (stored: readonly StoredValidator[]): ValidatorSet {
  const validators = stored.map((v) => ({ did: v.did, power: BigInt(v.power), weight: BigInt(v.weight) }))
  return {
    validators,
    totalPower: validators.reduce((a, v) => a + v.power, 0n),
    byDid: new Map(validators.map((v) => [v.did, v]))
  }
}
