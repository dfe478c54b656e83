/**
 * The manifest's shape (zod, strict: an unknown key is refused with its name). Durations and
 * conditions are parsed here, so a bad one is reported at its field; rules that span fields (a node
 * must exist and be in the right state for the step) are in validate.ts.
 */
import { z } from 'zod'
import { consensusParamsSchema } from '../../consensus/params.ts'
import { MAX_SCENARIO_NODES } from '../constants.ts'
import { CONDITION_HELP, parseCondition } from './condition.ts'
import { DURATION_HELP, parseDuration } from './duration.ts'

const duration = z.union([z.number(), z.string()], { error: `must be ${DURATION_HELP}` }).transform((value, ctx) => {
  const ms = parseDuration(value)
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be ${DURATION_HELP}, got ${JSON.stringify(value)}` })
    return z.NEVER
  }
  return ms
})

const condition = z.string({ error: `must be ${CONDITION_HELP}` }).transform((text, ctx) => {
  const parsed = parseCondition(text)
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be ${CONDITION_HELP}, got ${JSON.stringify(text)}` })
    return z.NEVER
  }
  return parsed
})

const node = z.number({ error: 'must be a node index (0 for the first validator)' })
  .int('must be a whole number').min(0, 'must be 0 or more').max(MAX_SCENARIO_NODES - 1, `must be below ${MAX_SCENARIO_NODES}`)
const ms = z.number().int('must be a whole number of milliseconds').positive('must be positive')

/** Fields every step may have: when it fires, and a note for people reading the manifest. */
const trigger = {
  /** Wait this long after the previous step (before `at`). */
  after: duration.optional(),
  /** Then wait until this holds. */
  at: condition.optional(),
  /** How long `at` (or a wait's `for`) may take. Default 60 s. */
  timeout: duration.optional(),
  note: z.string().optional()
}

const step = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('partition'), groups: z.array(z.array(node).min(1, 'a group needs a node')).min(2, 'a partition needs at least two groups'), ...trigger }),
  z.strictObject({ action: z.literal('heal'), ...trigger }),
  z.strictObject({ action: z.literal('kill'), node, signal: z.enum(['SIGKILL', 'SIGTERM']).optional(), ...trigger }),
  z.strictObject({ action: z.literal('restart'), node, ...trigger }),
  z.strictObject({ action: z.literal('pause'), node, ...trigger }),
  z.strictObject({ action: z.literal('resume'), node, ...trigger }),
  z.strictObject({ action: z.literal('join'), node, ...trigger }),
  z.strictObject({ action: z.literal('wait'), for: condition, ...trigger })
], { error: 'must be one of partition, heal, kill, restart, pause, resume, join, wait' })

export const ManifestSchema = z.strictObject({
  /** Default: the file name without .json. */
  name: z.string().min(1).max(100).optional(),
  description: z.string().optional(),
  validators: z.number({ error: 'must be the number of validators' }).int('must be a whole number').min(1, 'must be at least 1').max(MAX_SCENARIO_NODES, `must be at most ${MAX_SCENARIO_NODES}`),
  /** Derive the testnet keys from this seed (the same DIDs every run). */
  seed: z.string().min(1).optional(),
  /** Consensus parameters in the genesis, over the short fault-test timeouts. */
  consensus: consensusParamsSchema.partial().optional(),
  /** Validators that double-sign every vote (the replication fault hook); in-process only. */
  equivocators: z.array(node).optional(),
  checker: z.strictObject({
    pollMs: ms.optional(),
    lagBlocks: z.number().int().min(0).optional()
  }).optional(),
  /** The whole run, setup included. Default 5 min. */
  timeout: duration.optional(),
  steps: z.array(step).min(1, 'a scenario needs at least one step'),
  expect: z.strictObject({
    liveness: z.strictObject({
      /** Every heal, restart, resume and join is followed by a finalized block within this. */
      maxRecoveryMs: ms.optional(),
      /** Every node concerned by such an event reaches the head of that moment within this. */
      maxCatchUpMs: ms.optional()
    }).optional(),
    /** The highest finalized height at the end is at least this. */
    minHeight: z.number().int().min(0).optional(),
    /** These validators are sanctioned on chain (evidence of double-signing was finalized). */
    sanctioned: z.array(node).optional()
  }).optional()
})

export type ManifestInput = z.input<typeof ManifestSchema>
export type ParsedManifestShape = z.output<typeof ManifestSchema>
