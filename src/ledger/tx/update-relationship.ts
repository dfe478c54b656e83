/**
 * `update_relationship {with, relationship_type, story, interaction?}`: a member creates or updates
 * its relationship with another member (collaboration, mentorship, resource_sharing, mutual_aid,
 * project_partnership or any other label), replacing its type and story and optionally recording an
 * interaction. Cost 100 + |story| / 100 (SPEC §4).
 */
import { z } from '../../codec/index.ts'
import { COST, Permission } from '../constants.ts'
import { TxError } from '../errors.ts'
import { requireMember, requirePermission } from '../state/members.ts'
import { touchRelationship } from '../state/social.ts'
import { defineTx } from './handler.ts'
import { did, longText, utf8Length } from './fields.ts'

export interface UpdateRelationshipPayload { with: string, relationship_type: string, story: string, interaction?: string }

export const updateRelationship = defineTx<UpdateRelationshipPayload>({
  schema: z.strictObject({
    with: did,
    relationship_type: z.string().min(1, 'must not be empty').max(64, 'must have at most 64 characters'),
    story: longText,
    interaction: longText.optional()
  }),
  cost: (p) => COST.relationshipBase + Math.floor(utf8Length(p.story) / COST.bytesPerMana),
  apply (ctx, p) {
    const member = requireMember(ctx.view, ctx.from, 'from')
    requirePermission(member, Permission.UpdateRelationship)
    if (p.with === ctx.from) throw new TxError('SELF_RELATIONSHIP', 'payload.with', 'a relationship needs another member')
    requireMember(ctx.view, p.with, 'payload.with')
    touchRelationship(ctx.view, {
      by: ctx.from,
      other: p.with,
      type: p.relationship_type,
      story: p.story,
      replace: true,
      ...(p.interaction !== undefined ? { interaction: { kind: 'update' as const, text: p.interaction } } : {}),
      time: ctx.time,
      tx: ctx.id
    })
  }
})
