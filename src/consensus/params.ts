/**
 * Consensus parameters (SPEC §7). They live in genesis and in ledger state (governance may change
 * them), so every node derives the same validator set and timeouts. All values are integers:
 * reputation in milli-points (REPUTATION_SCALE), fractions in parts per million (PPM).
 */
import { z, uint, posint } from '../codec/index.ts'

/** Reputation is stored as integer milli-points: 1 point = 1000. */
export const REPUTATION_SCALE = 1000
/** Fractions (performance, voting-power cap) are parts per million. */
export const PPM = 1_000_000

export interface ConsensusParams {
  /** Minimum total reputation (milli-points) to validate. Default 100 points. */
  minValidatorReputation: number
  /** Minimum performance (ppm) to validate. Default 0.5. */
  minPerformance: number
  /** Fewest validators the chain runs with. Default 3. */
  minValidators: number
  /** Largest share of voting power one validator may hold, unless 1/n is larger (ppm). Default 10%. */
  maxVotingPower: number
  /** Consecutive missed commits that remove a validator until it recovers. Default 5. */
  maxMissedRounds: number
  /** Blocks a proposer sits out after proposing (bounded by n − 1). Default 3. */
  proposerCooldown: number
  /** Sanction level at which a validator is excluded for good. Default 3. */
  exclusionSanctionLevel: number
  timeoutProposeMs: number
  timeoutPrevoteMs: number
  timeoutPrecommitMs: number
  /** Added to every timeout for each round past 0. Default 500 ms. */
  timeoutDeltaMs: number
  /** Largest encoded block. Default 1 MiB. */
  maxBlockBytes: number
  /** Most transactions in a block. Default 5000. */
  maxBlockTxs: number
  /** How far a block timestamp may run ahead of a node's clock. Default 5 s. */
  maxClockDriftMs: number
}

export const DEFAULT_CONSENSUS_PARAMS: ConsensusParams = {
  minValidatorReputation: 100 * REPUTATION_SCALE,
  minPerformance: 500_000,
  minValidators: 3,
  maxVotingPower: 100_000,
  maxMissedRounds: 5,
  proposerCooldown: 3,
  exclusionSanctionLevel: 3,
  timeoutProposeMs: 3000,
  timeoutPrevoteMs: 1000,
  timeoutPrecommitMs: 1000,
  timeoutDeltaMs: 500,
  maxBlockBytes: 1024 * 1024,
  maxBlockTxs: 5000,
  maxClockDriftMs: 5000
}

export const consensusParamsSchema = z.strictObject({
  minValidatorReputation: uint,
  minPerformance: uint.max(PPM),
  minValidators: posint,
  maxVotingPower: posint.max(PPM),
  maxMissedRounds: posint,
  proposerCooldown: uint,
  exclusionSanctionLevel: posint,
  timeoutProposeMs: posint,
  timeoutPrevoteMs: posint,
  timeoutPrecommitMs: posint,
  timeoutDeltaMs: uint,
  maxBlockBytes: posint,
  maxBlockTxs: posint,
  maxClockDriftMs: posint
})
