/**
 * Fault injection (SPEC §14): scenarios as data — partitions, kill / restart, pause / resume, late
 * joins, an equivocating validator — run against real nodes by one of two drivers, watched the whole
 * time by the safety and liveness checker (src/checker). `icn faults run` is the command line;
 * docs/faults.md is the manifest reference.
 *
 * - `readManifestFile(path)`, `parseManifest(value, {name?})` → `ScenarioManifest` (FaultsError
 *   BAD_MANIFEST naming the field)
 * - `runScenario(manifest, {driver?, dir?, logLevel?, signal?, onProgress?})` → `ScenarioReport`
 *   (never throws for a failed run: `passed`, `failure`, the checker's report, the expectations)
 * - `formatScenarioReport(report)`: the report as text
 * - drivers: `createDriver`, `inProcessDriver`, `netnsDriver`, `DRIVER_KINDS`; `netnsAvailability()`,
 *   `cleanupLeftovers()` for the netns driver
 * - `PartitionPlan`: who may not talk to whom; `FaultsError {code, field}`, `FAULTS_USAGE_CODES`
 */
export { FaultsError, FAULTS_USAGE_CODES, type FaultsErrorCode } from './errors.ts'
export { FAULT_CONSENSUS, DEFAULT_STEP_TIMEOUT_MS, DEFAULT_RUN_TIMEOUT_MS, MAX_SCENARIO_NODES } from './constants.ts'
export {
  parseManifest, readManifestFile, parseDuration, parseCondition, ManifestSchema,
  type ScenarioManifest, type ScenarioExpect, type Step, type StepAction, type ActionName, type Condition, type ManifestInput
} from './manifest/index.ts'
export { runScenario, type RunOptions } from './runner.ts'
export { formatScenarioReport, type ScenarioReport, type StepRecord } from './report.ts'
export { checkExpectations, type ExpectationResult } from './expect.ts'
export { PartitionPlan } from './partition.ts'
export { createDriver, inProcessDriver, DRIVER_KINDS, type DriverKind, type DriverOptions, type FaultDriver } from './drivers/index.ts'
export { netnsDriver, netnsAvailability, cleanupLeftovers, type NetnsAvailability } from './netns/index.ts'
