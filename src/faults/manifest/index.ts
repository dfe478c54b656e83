/**
 * Scenario manifests: the network (validators, consensus timeouts, equivocators), the steps (each
 * triggered by a delay and/or a condition on observed heights) and what to expect at the end.
 * See docs/faults.md for the reference.
 *
 * - `parseManifest(value, {name?})`, `readManifestFile(path)` → `ScenarioManifest`, or FaultsError
 *   BAD_MANIFEST naming the field
 * - `parseDuration`, `parseCondition`, `conditionNode`; `ManifestSchema` (zod)
 */
export { parseManifest, readManifestFile, type ParseManifestOptions } from './parse.ts'
export { ManifestSchema, type ManifestInput } from './schema.ts'
export { parseDuration, DURATION_HELP } from './duration.ts'
export { parseCondition, conditionNode, CONDITION_HELP, type Condition, type HeightScope } from './condition.ts'
export type { ScenarioManifest, ScenarioExpect, Step, StepAction, StepTrigger, ActionName } from './types.ts'
