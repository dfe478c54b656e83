/**
 * What one simulated run looks like, derived from its seed: how many validators and which are
 * byzantine, network quality, and the fault schedule (partitions that form and heal, crashes and
 * restarts) during the fault phase. After it comes a quiet phase: network healed, every node up.
 */
import { DEFAULT_CONSENSUS_PARAMS, type ConsensusParams } from '../../../src/consensus/index.ts'
import { Prng } from './prng.ts'

export interface Partition { at: number, durationMs: number, /** node ids on one side; the rest on the other */ side: number[] }
export interface Crash { at: number, node: number, downMs: number }
export interface ClockDrift { offsetMs: number, ratePpm: number }

export interface Scenario {
  seed: number
  validators: number
  /** Byzantine validator (node) ids. */
  byzantine: number[]
  params: ConsensusParams
  faultPhaseMs: number
  quietPhaseMs: number
  /** Wait between a decision and the next height's start (a node's "timeout commit"). */
  commitDelayMs: number
  tickMs: number
  rebroadcastMs: number
  /** Blocks carry fake transactions (false: empty blocks, as in the benchmark). */
  txs: boolean
  /**
   * After > 2/3 of power is honest, up and connected, a new block must be final within this. Rounds
   * fail for good reasons (a byzantine proposer: proposer weight is uncapped reputation × performance,
   * SPEC §7, so a heavy byzantine validator may draw many rounds in a row), and timeouts grow per
   * round; 60 s is about fourteen failed rounds at SIM_PARAMS. The quiet phase outlasts it.
   */
  livenessBoundMs: number
  net: { minDelayMs: number, maxDelayMs: number, loss: number, duplicate: number, spike: number }
  partitions: Partition[]
  crashes: Crash[]
  clocks: ClockDrift[]
}

export interface ScenarioOverrides {
  validators?: number
  byzantine?: number
  faults?: boolean
  faultPhaseMs?: number
  quietPhaseMs?: number
}

/** Faster than the defaults so a run covers many heights, in the same proportions. */
export const SIM_PARAMS: ConsensusParams = {
  ...DEFAULT_CONSENSUS_PARAMS,
  timeoutProposeMs: 1000,
  timeoutPrevoteMs: 500,
  timeoutPrecommitMs: 500,
  timeoutDeltaMs: 250
}

export function scenarioFor (seed: number, over: ScenarioOverrides = {}): Scenario {
  const rng = new Prng(seed)
  const validators = over.validators ?? rng.pick([4, 4, 5, 6, 7, 7, 10])
  const faults = over.faults ?? true
  const faultPhaseMs = over.faultPhaseMs ?? 20_000
  const maxByz = Math.floor((validators - 1) / 3)
  const byzCount = over.byzantine ?? (faults && rng.chance(0.5) ? rng.range(1, Math.max(1, maxByz)) : 0)
  const byzantine = rng.shuffle(Array.from({ length: validators }, (_, i) => i)).slice(0, Math.min(byzCount, validators)).sort((a, b) => a - b)
  const honest = Array.from({ length: validators }, (_, i) => i).filter((i) => !byzantine.includes(i))
  const partitions: Partition[] = []
  const crashes: Crash[] = []
  if (faults) {
    for (let i = rng.range(0, 3); i > 0; i--) {
      const side = rng.shuffle(Array.from({ length: validators }, (_, j) => j)).slice(0, rng.range(1, validators - 1)).sort((a, b) => a - b)
      partitions.push({ at: rng.range(0, faultPhaseMs - 1000), durationMs: rng.range(500, 12_000), side })
    }
    for (let i = rng.range(0, 3); i > 0 && honest.length > 0; i--) {
      crashes.push({ at: rng.range(0, faultPhaseMs - 1000), node: rng.pick(honest), downMs: rng.range(200, 10_000) })
    }
  }
  return {
    seed,
    validators,
    byzantine,
    params: SIM_PARAMS,
    faultPhaseMs,
    quietPhaseMs: over.quietPhaseMs ?? 65_000,
    commitDelayMs: 3000,
    txs: true,
    tickMs: 250,
    rebroadcastMs: 1000,
    livenessBoundMs: 60_000,
    net: faults
      ? { minDelayMs: rng.range(1, 20), maxDelayMs: rng.range(30, 150), loss: rng.pick([0, 0.01, 0.05, 0.1]), duplicate: rng.pick([0, 0.02, 0.1]), spike: rng.pick([0, 0.01, 0.03]) }
      : { minDelayMs: 5, maxDelayMs: 20, loss: 0, duplicate: 0, spike: 0 },
    partitions,
    crashes,
    clocks: Array.from({ length: validators }, () => faults ? { offsetMs: rng.range(-1500, 1500), ratePpm: rng.range(-20_000, 20_000) } : { offsetMs: 0, ratePpm: 0 })
  }
}
