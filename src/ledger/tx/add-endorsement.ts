/**
 * `add_endorsement {to, content, context, skills}`: a member endorses another member's skills. As in
 * seeds/000, endorsements live inside a relationship: the two members must have one.
 * Cost 60 + |content| / 100 + 10 × skills (SPEC §4).
 */
import { z } from '../../codec/index.ts'
import { COST, Permission } from '../constants.ts'
import { TxError } from '../errors.ts'
import { Keys } from '../state/keys.ts'
import { putMember, requireMember, requirePermission } from '../state/members.ts'
import { getRelationship, type Endorsement } from '../state/social.ts'
import { defineTx } from './handler.ts'
import { did, labels, longText, shortText, utf8Length } from './fields.ts'

export interface AddEndorsementPayload { to: string, content: string, context: string, skills: string[] }

export const addEndorsement = defineTx<AddEndorsementPayload>({
  schema: z.strictObject({ to: did, content: longText, context: shortText, skills: labels }),
  cost: (p) => COST.endorsementBase + Math.floor(utf8Length(p.content) / COST.bytesPerMana) + COST.endorsementPerSkill * p.skills.length,
  apply (ctx, p) {
    const { view, from, time } = ctx
    const member = requireMember(view, from, 'from')
    requirePermission(member, Permission.AddEndorsement)
    if (p.to === from) throw new TxError('SELF_ENDORSEMENT', 'payload.to', 'members cannot endorse themselves')
    const endorsed = requireMember(view, p.to, 'payload.to')
    const rel = getRelationship(view, from, p.to)
    if (rel === undefined) throw new TxError('NO_RELATIONSHIP', 'payload.to', `${from} has no relationship with ${p.to}`)
    const record: Endorsement = { from, to: p.to, content: p.content, context: p.context, skills: p.skills, at: time, tx: ctx.id }
    view.write(Keys.endorsement(p.to, endorsed.endorsements), record)
    putMember(view, { ...endorsed, endorsements: endorsed.endorsements + 1 })
    view.write(Keys.relationship(from, p.to), { ...rel, endorsements: rel.endorsements + 1, updatedAt: time, updatedBy: from })
  }
})
