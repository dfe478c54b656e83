/**
 * Ledger constants and the economic parameters (SPEC §4–6). Every number here is an integer:
 * reputation in milli-points (REPUTATION_SCALE), fractions in parts per million (PPM), times in ms.
 * Economic parameters live in genesis and in state, so every node uses the same values.
 */
import { z, uint, posint } from '../codec/index.ts'
import { PPM, REPUTATION_SCALE } from '../consensus/params.ts'

export { PPM, REPUTATION_SCALE }

export const MS_PER_HOUR = 3_600_000
export const MS_PER_DAY = 86_400_000

/** Reputation categories with weight (milli: 1.0 = 1000) and daily decay rate (ppm: 0.1 = 100_000), SPEC §6. */
export const CATEGORIES = {
  validation: { weight: 1000, decayPpmPerDay: 100_000 },
  voting: { weight: 1200, decayPpmPerDay: 50_000 },
  proposal_creation: { weight: 1500, decayPpmPerDay: 30_000 },
  development: { weight: 2000, decayPpmPerDay: 20_000 },
  budget_management: { weight: 1800, decayPpmPerDay: 80_000 },
  community_building: { weight: 1300, decayPpmPerDay: 40_000 },
  resource_sharing: { weight: 1400, decayPpmPerDay: 60_000 },
  cooperative_growth: { weight: 1600, decayPpmPerDay: 30_000 },
  conflict_resolution: { weight: 1700, decayPpmPerDay: 50_000 },
  sustainability: { weight: 1500, decayPpmPerDay: 40_000 },
  participation: { weight: 1100, decayPpmPerDay: 70_000 },
  innovation: { weight: 1900, decayPpmPerDay: 20_000 },
  transaction_validation: { weight: 1300, decayPpmPerDay: 50_000 },
  data_availability: { weight: 1200, decayPpmPerDay: 50_000 },
  network_stability: { weight: 1400, decayPpmPerDay: 50_000 }
} as const
export type Category = keyof typeof CATEGORIES
export const CATEGORY_NAMES = Object.keys(CATEGORIES).sort() as Category[]
export const categorySchema = z.enum(CATEGORY_NAMES as [Category, ...Category[]])

/**
 * Categories a member may attest to. `validation` is earned only from consensus behaviour (SPEC §7),
 * so attestations cannot raise a validator's voting power through the category that measures it.
 */
export const ATTESTABLE_CATEGORIES = CATEGORY_NAMES.filter((c) => c !== 'validation')

/**
 * Permissions a member holds by default (SPEC §1). Each transaction type that needs one says which.
 * Genesis may give a member another list.
 */
export const Permission = {
  RegisterMember: 'member.register',
  CreateCooperative: 'cooperative.create',
  JoinCooperative: 'cooperative.join',
  RecordContribution: 'contribution.record',
  RecordMutualAid: 'mutual_aid.record',
  UpdateRelationship: 'relationship.update',
  AddEndorsement: 'endorsement.add',
  Attest: 'reputation.attest',
  Validate: 'validator.candidacy'
} as const
export type Permission = typeof Permission[keyof typeof Permission]
export const DEFAULT_PERMISSIONS: readonly string[] = Object.values(Permission).sort()

/** Transaction costs in mana (SPEC §4 defaults). Lengths are UTF-8 byte lengths; division truncates. */
export const COST = {
  transferBase: 100,
  transferPerAmount: 100,
  contributionBase: 50,
  contributionPerTag: 5,
  mutualAidBase: 75,
  mutualAidPerTag: 5,
  relationshipBase: 100,
  endorsementBase: 60,
  endorsementPerSkill: 10,
  /** Bytes of text per unit of mana in the text-length terms. */
  bytesPerMana: 100,
  other: 50
} as const

/** Economic parameters: genesis may override each one; the resolved values are pinned by the network id. */
export interface EconomicParams {
  /** Largest encoded transaction payload. Default 1 MiB (SPEC §4). */
  maxTxPayloadBytes: number
  /** How far before block time a transaction timestamp may be. Default 1 day. */
  txMaxAgeMs: number
  /** How far after block time a transaction timestamp may be. Default 5 min. */
  txMaxFutureMs: number
  /** Mana capacity at zero reputation. Default 1000 (SPEC §5). */
  manaBase: number
  /** Extra mana capacity per reputation point. Default 100. */
  manaPerPoint: number
  /** Mana regenerated per hour of block time at zero reputation. Default 10. */
  manaRegenPerHour: number
  /** Extra regeneration per hour is reputation (points) / this. Default 10. */
  manaRegenDivisor: number
  /** Blocks per epoch (attestation dedup and rate limits, SPEC §8). Default 100. */
  epochLength: number
  /** Attestations one member may make per epoch. Default 10. */
  attestationsPerEpoch: number
  /** Largest |score| of an attestation, in points. Default 10. */
  attestationMaxScore: number
  /** Attester reputation (milli-points) at which an attestation counts fully; below, proportionally. Default 100 points. */
  attestationFullWeight: number
  /** Block time after which a validator removed for misses or low performance may return (on probation). Default 10 min. */
  validatorRecoveryMs: number
  /** Block time without offence after which the sanction level drops by one (SPEC §7). Default 7 days. */
  sanctionDecayMs: number
}

export const DEFAULT_ECONOMIC_PARAMS: EconomicParams = {
  maxTxPayloadBytes: 1024 * 1024,
  txMaxAgeMs: MS_PER_DAY,
  txMaxFutureMs: 5 * 60_000,
  manaBase: 1000,
  manaPerPoint: 100,
  manaRegenPerHour: 10,
  manaRegenDivisor: 10,
  epochLength: 100,
  attestationsPerEpoch: 10,
  attestationMaxScore: 10,
  attestationFullWeight: 100 * REPUTATION_SCALE,
  validatorRecoveryMs: 10 * 60_000,
  sanctionDecayMs: 7 * MS_PER_DAY
}

export const economicParamsSchema = z.strictObject({
  maxTxPayloadBytes: posint,
  txMaxAgeMs: uint,
  txMaxFutureMs: uint,
  manaBase: uint,
  manaPerPoint: uint,
  manaRegenPerHour: posint,
  manaRegenDivisor: posint,
  epochLength: posint,
  attestationsPerEpoch: posint,
  attestationMaxScore: posint,
  attestationFullWeight: posint,
  validatorRecoveryMs: uint,
  sanctionDecayMs: posint
})

/** Room for the envelope around the largest payload when decoding a transaction. */
export const TX_ENVELOPE_ALLOWANCE = 4096

/** Validator rewards and penalties (SPEC §7), in milli-points and ppm. */
export const VALIDATOR_REWARD = {
  signer: 10 * REPUTATION_SCALE,
  proposer: 20 * REPUTATION_SCALE,
  /** Penalty per consecutive miss: 10 × 1.5 points. */
  missPerCount: 15 * REPUTATION_SCALE,
  /** performance' = performance × 95% (+ 5% when signed). */
  performanceKeepPpm: 950_000,
  performanceGainPpm: 50_000,
  /** Sanction cost at level 1: 5%, multiplied by 1.5 per level. */
  sanctionBasePpm: 50_000
} as const

/** Proposers remembered in state (newest first) for the cooldown; at least the last one for its reward. */
export function recentProposersKept (cooldown: number): number {
  return Math.max(1, cooldown)
}
