/**
 * `record_mutual_aid {to, description, impact_story?, reciprocity_notes?, tags}`: a member records aid
 * given to another member. It is kept under the provider, indexed under the receiver, and it creates
 * or deepens their relationship (type `mutual_aid` when new), as in seeds/000.
 * Cost 75 + |description| / 100 + 5 × tags (SPEC §4).
 */
import { z } from '../../codec/index.ts'
import { COST, Permission } from '../constants.ts'
import { TxError } from '../errors.ts'
import { Keys } from '../state/keys.ts'
import { putMember, requireMember, requirePermission } from '../state/members.ts'
import { touchRelationship, type MutualAid } from '../state/social.ts'
import { defineTx } from './handler.ts'
import { did, labels, longText, utf8Length } from './fields.ts'

export interface RecordMutualAidPayload {
  to: string
  description: string
  impact_story?: string
  reciprocity_notes?: string
  tags: string[]
}

export const recordMutualAid = defineTx<RecordMutualAidPayload>({
  schema: z.strictObject({
    to: did,
    description: longText,
    impact_story: longText.optional(),
    reciprocity_notes: longText.optional(),
    tags: labels
  }),
  cost: (p) => COST.mutualAidBase + Math.floor(utf8Length(p.description) / COST.bytesPerMana) + COST.mutualAidPerTag * p.tags.length,
  apply (ctx, p) {
    const { view, from, time } = ctx
    const provider = requireMember(view, from, 'from')
    requirePermission(provider, Permission.RecordMutualAid)
    if (p.to === from) throw new TxError('SELF_MUTUAL_AID', 'payload.to', 'mutual aid is recorded for another member')
    const receiver = requireMember(view, p.to, 'payload.to')
    const record: MutualAid = {
      provider: from,
      receiver: p.to,
      description: p.description,
      impactStory: p.impact_story,
      reciprocityNotes: p.reciprocity_notes,
      tags: p.tags,
      at: time,
      tx: ctx.id
    }
    view.write(Keys.mutualAid(from, provider.mutualAidGiven), record)
    view.write(Keys.mutualAidReceived(p.to, receiver.mutualAidReceived), { provider: from, n: provider.mutualAidGiven })
    putMember(view, { ...provider, mutualAidGiven: provider.mutualAidGiven + 1 })
    putMember(view, { ...receiver, mutualAidReceived: receiver.mutualAidReceived + 1 })
    touchRelationship(view, {
      by: from,
      other: p.to,
      type: 'mutual_aid',
      story: p.description,
      replace: false,
      interaction: { kind: 'mutual_aid', text: p.description },
      time,
      tx: ctx.id
    })
  }
})
