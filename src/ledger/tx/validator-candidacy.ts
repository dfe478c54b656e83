/**
 * `validator_candidacy {active}`: a member declares (or withdraws) its candidacy as a validator. A
 * validator has to run a node, so reputation alone enlists nobody; once declared, eligibility at each
 * height follows SPEC §7 (reputation, performance, misses, sanctions). Not in SPEC §4's list: without
 * it the validator set could never grow past genesis.
 */
import { z } from '../../codec/index.ts'
import { COST, Permission } from '../constants.ts'
import { requireMember, requirePermission } from '../state/members.ts'
import { setCandidate } from '../state/validators.ts'
import { defineTx } from './handler.ts'

export interface ValidatorCandidacyPayload { active: boolean }

export const validatorCandidacy = defineTx<ValidatorCandidacyPayload>({
  schema: z.strictObject({ active: z.boolean() }),
  cost: () => COST.other,
  apply (ctx, p) {
    const member = requireMember(ctx.view, ctx.from, 'from')
    if (p.active) requirePermission(member, Permission.Validate)
    setCandidate(ctx.view, ctx.from, p.active)
  }
})
