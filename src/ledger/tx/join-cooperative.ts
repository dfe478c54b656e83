/**
 * `join_cooperative {id, role}`: a member joins an existing cooperative with a self-described role.
 * Joining is open (cooperatives are open-membership by principle); the first cooperative joined
 * becomes the member's primary one.
 */
import { z } from '../../codec/index.ts'
import { COST, Permission } from '../constants.ts'
import { TxError } from '../errors.ts'
import { getCooperative, getMembership, joinCooperative, requireMember, requirePermission } from '../state/members.ts'
import { defineTx } from './handler.ts'
import { shortText } from './fields.ts'

export interface JoinCooperativePayload { id: string, role: string }

export const joinCooperativeTx = defineTx<JoinCooperativePayload>({
  schema: z.strictObject({ id: shortText, role: z.string().min(1, 'must not be empty').max(64, 'must have at most 64 characters') }),
  cost: () => COST.other,
  apply (ctx, p) {
    const member = requireMember(ctx.view, ctx.from, 'from')
    requirePermission(member, Permission.JoinCooperative)
    const coop = getCooperative(ctx.view, p.id)
    if (coop === undefined) throw new TxError('UNKNOWN_COOPERATIVE', 'payload.id', `no cooperative ${p.id}`)
    if (getMembership(ctx.view, p.id, ctx.from) !== undefined) {
      throw new TxError('ALREADY_JOINED', 'payload.id', `${ctx.from} already belongs to ${p.id}`)
    }
    joinCooperative(ctx.view, coop, member, p.role, ctx.time)
  }
})
