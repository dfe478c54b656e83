/**
 * `record_contribution {description, impact_story, context, tags}`: a member records a contribution
 * to the community with its impact story (seeds/000). Cost 50 + (|description| + |impact_story|) / 100
 * + 5 × tags (SPEC §4).
 */
import { z } from '../../codec/index.ts'
import { COST, Permission } from '../constants.ts'
import { Keys } from '../state/keys.ts'
import { putMember, requireMember, requirePermission } from '../state/members.ts'
import type { Contribution } from '../state/social.ts'
import { defineTx } from './handler.ts'
import { labels, longText, shortText, utf8Length } from './fields.ts'

export interface RecordContributionPayload { description: string, impact_story: string, context: string, tags: string[] }

export const recordContribution = defineTx<RecordContributionPayload>({
  schema: z.strictObject({ description: longText, impact_story: longText, context: shortText, tags: labels }),
  cost: (p) => COST.contributionBase +
    Math.floor((utf8Length(p.description) + utf8Length(p.impact_story)) / COST.bytesPerMana) +
    COST.contributionPerTag * p.tags.length,
  apply (ctx, p) {
    const member = requireMember(ctx.view, ctx.from, 'from')
    requirePermission(member, Permission.RecordContribution)
    const record: Contribution = {
      contributor: ctx.from,
      description: p.description,
      impactStory: p.impact_story,
      context: p.context,
      tags: p.tags,
      at: ctx.time,
      tx: ctx.id
    }
    ctx.view.write(Keys.contribution(ctx.from, member.contributions), record)
    putMember(ctx.view, { ...member, contributions: member.contributions + 1 })
  }
})
