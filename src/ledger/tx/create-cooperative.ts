/**
 * `create_cooperative {name, purpose}`: a member founds a cooperative and becomes its first member
 * (role `founder`). The cooperative's id is the creating transaction's id (CID string): unique, and
 * known to the sender before submission.
 */
import { z } from '../../codec/index.ts'
import { COST, Permission } from '../constants.ts'
import { joinCooperative, putCooperative, requireMember, requirePermission, type Cooperative } from '../state/members.ts'
import { defineTx } from './handler.ts'
import { longText, shortText } from './fields.ts'

export interface CreateCooperativePayload { name: string, purpose: string }

export const createCooperative = defineTx<CreateCooperativePayload>({
  schema: z.strictObject({ name: shortText, purpose: longText }),
  cost: () => COST.other,
  apply (ctx, p) {
    const member = requireMember(ctx.view, ctx.from, 'from')
    requirePermission(member, Permission.CreateCooperative)
    const coop: Cooperative = { id: ctx.id.toString(), name: p.name, purpose: p.purpose, founder: ctx.from, createdAt: ctx.time, members: 0 }
    putCooperative(ctx.view, coop)
    joinCooperative(ctx.view, coop, member, 'founder', ctx.time)
  }
})
