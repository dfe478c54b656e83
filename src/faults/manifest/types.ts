/** A parsed, checked scenario: defaults applied, durations in ms, conditions parsed. */
import type { ConsensusParams } from '../../consensus/params.ts'
import type { Condition } from './condition.ts'

export interface StepTrigger {
  /** Wait this long after the previous step, then for `at`. */
  afterMs: number | undefined
  at: Condition | undefined
  /** Budget of `at`, or of a wait's `for`. */
  timeoutMs: number
  note: string | undefined
}

export type StepAction =
  | { action: 'partition', groups: number[][] }
  | { action: 'heal' }
  | { action: 'kill', node: number, signal: 'SIGKILL' | 'SIGTERM' }
  | { action: 'restart', node: number }
  | { action: 'pause', node: number }
  | { action: 'resume', node: number }
  | { action: 'join', node: number }
  | { action: 'wait', for: Condition }

export type Step = StepTrigger & StepAction
export type ActionName = StepAction['action']

export interface ScenarioExpect {
  maxRecoveryMs: number | undefined
  maxCatchUpMs: number | undefined
  minHeight: number | undefined
  sanctioned: number[]
}

export interface ScenarioManifest {
  name: string
  description: string | undefined
  validators: number
  seed: string | undefined
  /** Merged over FAULT_CONSENSUS. */
  consensus: Partial<ConsensusParams>
  equivocators: number[]
  checker: { pollMs: number | undefined, lagBlocks: number | undefined }
  timeoutMs: number
  steps: Step[]
  expect: ScenarioExpect
  /** Validators plus the nodes the steps join. */
  nodes: number
}
