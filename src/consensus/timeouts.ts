/** Round timeouts (SPEC §7): each grows by timeoutDeltaMs per round, so a slow network eventually fits. */
import type { ConsensusParams } from './params.ts'

export type RoundStep = 'propose' | 'prevote' | 'precommit'

export function timeoutDuration (params: ConsensusParams, step: RoundStep, round: number): number {
  const base = step === 'propose' ? params.timeoutProposeMs : step === 'prevote' ? params.timeoutPrevoteMs : params.timeoutPrecommitMs
  return base + params.timeoutDeltaMs * round
}
