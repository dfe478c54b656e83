/**
 * `evidence {voteA, voteB}`: proof of a double-sign (SPEC §7) — two votes of one type, validly signed
 * by one validator for this network and shard at one height and round, naming different blocks (a nil
 * vote and a block vote conflict too, as in Tendermint). Anyone may submit it. The offender's
 * sanction level rises by one and it loses 5 % × 1.5^(level−1) of its reputation in every category;
 * at the exclusion level it is out for good. Each offence (validator, height, round, type) is punished
 * once: later evidence of it is refused.
 */
import { z } from '../../codec/index.ts'
import { voteSchema, type Vote } from '../../consensus/messages.ts'
import { verifyDuplicateVoteEvidence } from '../../consensus/evidence.ts'
import { ConsensusError } from '../../consensus/errors.ts'
import { COST, PPM } from '../constants.ts'
import { TxError } from '../errors.ts'
import { sanctionCostPpm } from '../fixed.ts'
import { Keys } from '../state/keys.ts'
import { getMember } from '../state/members.ts'
import { scaleReputation } from '../state/reputation.ts'
import { effectiveValidatorRecord, getValidatorRecord, putValidatorRecord } from '../state/validators.ts'
import { defineTx } from './handler.ts'

export interface EvidencePayload { voteA: Vote, voteB: Vote }

export interface OffenceRecord { at: number, height: number, level: number }

export const evidence = defineTx<EvidencePayload>({
  schema: z.strictObject({ voteA: voteSchema, voteB: voteSchema }) as unknown as z.ZodType<EvidencePayload>,
  cost: () => COST.other,
  apply (ctx, p) {
    const { view, time } = ctx
    const { voteA: a, voteB: b } = p
    // The consensus module owns what a double-sign is; the ledger adds what only state knows.
    try {
      verifyDuplicateVoteEvidence(ctx.chain.network, ctx.chain.shard, a, b)
    } catch (err) {
      if (err instanceof ConsensusError) throw new TxError('INVALID_EVIDENCE', 'payload', `${err.code}: ${err.message}`)
      throw err
    }
    if (a.height > ctx.height) throw new TxError('INVALID_EVIDENCE', 'payload.voteA.height', `height ${a.height} is beyond the chain (${ctx.height})`)
    if (getMember(view, a.validator) === undefined) throw new TxError('NOT_A_MEMBER', 'payload.voteA.validator', `${a.validator} is not a member`)
    const offenceKey = Keys.offence(a.validator, a.height, a.round, a.type)
    if (view.read(offenceKey) !== undefined) throw new TxError('DUPLICATE_EVIDENCE', 'payload', 'this offence was already punished')

    const record = effectiveValidatorRecord(getValidatorRecord(view, a.validator), time, ctx.params)
    const level = record.sanctionLevel + 1
    putValidatorRecord(view, a.validator, { ...record, sanctionLevel: level, lastOffenceAt: time })
    scaleReputation(view, a.validator, PPM - sanctionCostPpm(level), time)
    view.write(offenceKey, { at: time, height: ctx.height, level } satisfies OffenceRecord)
  }
})
