/**
 * The validator set of a height, derived from ledger state only (SPEC §7): eligibility, capped voting
 * power, and the deterministic reputation-weighted proposer draw with cooldown. Pure and integer-only,
 * so every node computes the same set; the ledger uses it to apply rewards, the engine to count votes.
 */
import { sha256, type CID } from '../codec/index.ts'
import { PPM, type ConsensusParams } from './params.ts'

/** What the ledger knows about a would-be validator. */
export interface ValidatorCandidate {
  did: string
  /** Total reputation in milli-points (SPEC §6), floored at 0. */
  reputation: number
  /** Performance in ppm. */
  performance: number
  /** Consecutive commits missed. */
  missed: number
  sanctionLevel: number
  /** Registered member (only members validate). */
  member: boolean
}

export interface Validator {
  did: string
  /** Capped voting power: what votes count for. */
  power: bigint
  /** Proposer-draw weight: reputation × performance, uncapped (SPEC §7). */
  weight: bigint
}

export interface ValidatorSet {
  /** Sorted by DID so the order is the same everywhere. */
  validators: Validator[]
  totalPower: bigint
  byDid: Map<string, Validator>
}

export function isEligible (c: ValidatorCandidate, params: ConsensusParams): boolean {
  return c.member &&
    c.reputation >= params.minValidatorReputation &&
    c.performance >= params.minPerformance &&
    c.missed < params.maxMissedRounds &&
    c.sanctionLevel < params.exclusionSanctionLevel
}

/**
 * Caps every power at c × (final total), c = max(maxVotingPower, 1/n), by water-filling: the k largest
 * are lowered to a common x with x = c·(k·x + R) where R is the sum of the others. Exact rational
 * arithmetic in bigint, then floored; deterministic on every machine.
 */
export function capPowers (raw: bigint[], maxShare: number): bigint[] {
  const n = raw.length
  if (n === 0) return []
  // c = num/den; 1/n is larger than maxShare ppm when n·maxShare < PPM.
  const [num, den] = BigInt(n) * BigInt(maxShare) < BigInt(PPM) ? [1n, BigInt(n)] : [BigInt(maxShare), BigInt(PPM)]
  const order = raw.map((p, i) => ({ p, i })).sort((a, b) => (a.p === b.p ? a.i - b.i : a.p > b.p ? -1 : 1))
  let rest = raw.reduce((a, b) => a + b, 0n)
  for (let k = 0; k <= n; k++) {
    // Try capping the k largest. x = num·R / (den − num·k); k = 0 means check no cap is needed.
    if (k > 0) rest -= order[k - 1]!.p
    const denom = den - num * BigInt(k)
    if (denom <= 0n) {
      // Every validator capped: c·n ≥ 1, so equal shares are within the cap; use the smallest power.
      const min = order[n - 1]!.p
      return raw.map(() => min)
    }
    const x = (num * rest) / denom
    const largestUncapped = k < n ? order[k]!.p : 0n
    const smallestCapped = k > 0 ? order[k - 1]!.p : null
    if (largestUncapped <= x && (smallestCapped === null || x <= smallestCapped)) {
      const out = [...raw]
      for (let j = 0; j < k; j++) out[order[j]!.i] = x
      return out
    }
  }
  return raw
}

export function computeValidatorSet (candidates: readonly ValidatorCandidate[], params: ConsensusParams): ValidatorSet {
  const eligible = candidates.filter((c) => isEligible(c, params)).sort((a, b) => (a.did < b.did ? -1 : a.did > b.did ? 1 : 0))
  const weights = eligible.map((c) => BigInt(c.reputation) * BigInt(c.performance) / BigInt(PPM))
  const powers = capPowers(weights, params.maxVotingPower)
  const validators = eligible.map((c, i) => ({ did: c.did, power: powers[i]!, weight: weights[i]! }))
    .filter((v) => v.power > 0n)
  const totalPower = validators.reduce((a, v) => a + v.power, 0n)
  return { validators, totalPower, byDid: new Map(validators.map((v) => [v.did, v])) }
}

/** True when `power` is more than 2/3 of the set's total: the BFT quorum. */
export function hasTwoThirds (set: ValidatorSet, power: bigint): boolean {
  return power * 3n > set.totalPower * 2n
}

/** True when `power` is more than 1/3 of the total: at least one honest validator is among them. */
export function hasOneThird (set: ValidatorSet, power: bigint): boolean {
  return power * 3n > set.totalPower
}

/**
 * The proposer of (height, round): a weighted draw seeded by the parent block's CID and the round.
 * In round 0 the proposers of the last min(cooldown, n − 1) blocks (`recentProposers`, newest first)
 * are skipped. Later rounds draw from everyone: BFT liveness needs every validator to propose in some
 * round, since a validator locked on a block may be the only one able to re-propose it.
 */
export function selectProposer (set: ValidatorSet, parent: CID, round: number, recentProposers: readonly string[], cooldown: number): Validator {
  if (set.validators.length === 0) throw new Error('empty validator set has no proposer')
  const skip = new Set(round === 0 ? recentProposers.slice(0, Math.min(cooldown, set.validators.length - 1)) : [])
  const pool = set.validators.filter((v) => !skip.has(v.did) && v.weight > 0n)
  const candidates = pool.length > 0 ? pool : set.validators
  const total = candidates.reduce((a, v) => a + v.weight, 0n)
  const seedInput = new Uint8Array(parent.bytes.byteLength + 8)
  seedInput.set(parent.bytes, 0)
  new DataView(seedInput.buffer).setBigUint64(parent.bytes.byteLength, BigInt(round))
  const digest = sha256(seedInput)
  const draw = new DataView(digest.buffer, digest.byteOffset, 16)
  const r = ((draw.getBigUint64(0) << 64n) | draw.getBigUint64(8)) % (total > 0n ? total : 1n)
  if (total === 0n) return candidates[Number(r % BigInt(candidates.length))]!
  let acc = 0n
  for (const v of candidates) {
    acc += v.weight
    if (r < acc) return v
  }
  return candidates[candidates.length - 1]!
}
