/**
 * `attest {subject, category, score, evidence?}`: a reputation attestation (SPEC §6) — member A's
 * signed statement about member B in one category. Rules:
 * - no self-attestation; the subject must be a member; `validation` is not attestable (it is earned
 *   by consensus work only);
 * - one attestation per (attester, subject, category) per epoch (epochLength blocks);
 * - at most attestationsPerEpoch attestations per attester per epoch;
 * - weight: the score (±1…attestationMaxScore points) counts in proportion to the attester's own total
 *   reputation, fully from attestationFullWeight up, so fresh or sybil members move nothing.
 * Negative scores lower the subject's category (floored at 0).
 */
import { z } from '../../codec/index.ts'
import { ATTESTABLE_CATEGORIES, COST, PPM, Permission, REPUTATION_SCALE, type Category } from '../constants.ts'
import { TxError } from '../errors.ts'
import { Keys } from '../state/keys.ts'
import { requireMember, requirePermission } from '../state/members.ts'
import { addReputation, totalReputation } from '../state/reputation.ts'
import { defineTx } from './handler.ts'
import { did, longText } from './fields.ts'

export interface AttestPayload { subject: string, category: Category, score: number, evidence?: string }

export interface AttestationRecord { epoch: number, score: number, weight: number, at: number }
export interface AttestationCount { epoch: number, count: number }

const attestable = z.enum(ATTESTABLE_CATEGORIES as [Category, ...Category[]])

export const attest = defineTx<AttestPayload>({
  schema: z.strictObject({
    subject: did,
    category: attestable,
    score: z.number().int().min(-100).max(100).refine((s) => s !== 0, 'must not be zero'),
    evidence: longText.optional()
  }),
  cost: () => COST.other,
  apply (ctx, p) {
    const { view, from, time } = ctx
    const econ = ctx.params.economics
    const attester = requireMember(view, from, 'from')
    requirePermission(attester, Permission.Attest)
    if (p.subject === from) throw new TxError('SELF_ATTESTATION', 'payload.subject', 'members cannot attest to themselves')
    if (Math.abs(p.score) > econ.attestationMaxScore) {
      throw new TxError('SCORE_OUT_OF_RANGE', 'payload.score', `|score| must be at most ${econ.attestationMaxScore}`)
    }
    requireMember(view, p.subject, 'payload.subject')
    const epoch = Math.floor(ctx.height / econ.epochLength)
    const key = Keys.attestation(from, p.subject, p.category)
    const previous = view.read(key) as AttestationRecord | undefined
    if (previous !== undefined && previous.epoch === epoch) {
      throw new TxError('DUPLICATE_ATTESTATION', 'payload.category', `already attested ${p.subject} in ${p.category} this epoch`)
    }
    const countKey = Keys.attestationCount(from)
    const counted = view.read(countKey) as AttestationCount | undefined
    const count = counted !== undefined && counted.epoch === epoch ? counted.count : 0
    if (count >= econ.attestationsPerEpoch) {
      throw new TxError('RATE_LIMITED', 'from', `at most ${econ.attestationsPerEpoch} attestations per epoch`)
    }
    const rep = totalReputation(view, from, time)
    const weight = Math.min(PPM, Number((BigInt(rep) * BigInt(PPM)) / BigInt(econ.attestationFullWeight)))
    const delta = Number((BigInt(p.score * REPUTATION_SCALE) * BigInt(weight)) / BigInt(PPM))
    addReputation(view, p.subject, p.category, delta, time)
    view.write(key, { epoch, score: p.score, weight, at: time } satisfies AttestationRecord)
    view.write(countKey, { epoch, count: count + 1 } satisfies AttestationCount)
  }
})
