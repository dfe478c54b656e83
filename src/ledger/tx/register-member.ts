/**
 * `register_member {did, profile, cooperative?}`: an existing member with `member.register` admits a
 * new member. Self-registration is refused on purpose: keys are free, so an open door would let anyone
 * mint unlimited members (each with a full mana tank); a sponsor vouches for the newcomer and pays the
 * cost. With `cooperative`, the sponsor must belong to it and the newcomer joins it as `member`.
 * The newcomer gets the default permissions and, if it has none yet, an account with full mana.
 */
import { z } from '../../codec/index.ts'
import { DEFAULT_PERMISSIONS, Permission } from '../constants.ts'
import { TxError } from '../errors.ts'
import { getAccount, newAccount, putAccount } from '../state/accounts.ts'
import {
  getCooperative, getMember, getMembership, joinCooperative, profileSchema, putMember, requireMember, requirePermission,
  type Member, type Profile
} from '../state/members.ts'
import { defineTx } from './handler.ts'
import { did, shortText } from './fields.ts'
import { COST } from '../constants.ts'
import { shardOf } from './shard.ts'

export interface RegisterMemberPayload { did: string, profile: Profile, cooperative?: string }

export const registerMember = defineTx<RegisterMemberPayload>({
  schema: z.strictObject({ did, profile: profileSchema, cooperative: shortText.optional() }),
  cost: () => COST.other,
  apply (ctx, p) {
    const { view, from, time } = ctx
    const sponsor = requireMember(view, from, 'from')
    requirePermission(sponsor, Permission.RegisterMember)
    if (getMember(view, p.did) !== undefined) {
      throw new TxError('ALREADY_REGISTERED', 'payload.did', `${p.did} is already a member`)
    }
    const coop = p.cooperative === undefined ? undefined : getCooperative(view, p.cooperative)
    if (p.cooperative !== undefined) {
      if (coop === undefined) throw new TxError('UNKNOWN_COOPERATIVE', 'payload.cooperative', `no cooperative ${p.cooperative}`)
      if (getMembership(view, p.cooperative, from) === undefined) {
        throw new TxError('PERMISSION_DENIED', 'payload.cooperative', `${from} is not a member of ${p.cooperative}`)
      }
    }
    const member: Member = {
      did: p.did,
      profile: p.profile,
      cooperative: null,
      permissions: [...DEFAULT_PERMISSIONS],
      joinedAt: time,
      sponsor: from,
      contributions: 0,
      mutualAidGiven: 0,
      mutualAidReceived: 0,
      endorsements: 0
    }
    putMember(view, member)
    if (coop !== undefined) joinCooperative(view, coop, member, 'member', time)
    if (getAccount(view, p.did) === undefined && shardOf(p.did, ctx.chain.shards) === ctx.chain.shard) {
      putAccount(view, p.did, newAccount(0, time, ctx.params.economics))
    }
  }
})
