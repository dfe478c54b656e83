/**
 * The safety and liveness checker (SPEC §14): watches every node of a running network through its
 * HTTP API for the whole run, not only at the end.
 *
 * Safety (fails at once): for every height all nodes' finalized CIDs are equal; a node's finalized
 * block at a height never changes; its finalized height never goes down. Liveness (measured): time
 * from each heal / restart / resume / join to the next finalized block and until the nodes concerned
 * reach the head of that moment; every episode of a node lagging behind the head and how long it
 * lasted; the longest stall.
 *
 * - `new Checker({views?, pollMs?, requestTimeoutMs?, lagBlocks?, maxBlocksPerPoll?, now?})`:
 *   `add(view)`, `start()`, `stop() → CheckerReport`, `pollAll()`, `mark(kind, nodes?)`,
 *   `waitFor(predicate, {timeout, signal?, what?})`, `onViolation(fn)`, `failed` (rejects with the
 *   violation), `violation`, `head`, `finalizedHeight(name)`, `report()`
 * - `httpNodeView(name, apiUrl)`: a `NodeView` over `GET /status` and `GET /blocks/:height`
 * - `SafetyViolation {code: CONFLICTING_FINALIZATION | ROLLBACK | HEIGHT_DECREASED, detail}`,
 *   `CheckerError {code: TIMEOUT | STOPPED | DUPLICATE_NODE}`
 * - `formatCheckerReport(report)`, `formatMs(ms)`; `SafetyRecord`, `LivenessTracker`: the pure parts
 */
export { Checker, type CheckerOptions, type WaitForOptions } from './checker.ts'
export { httpNodeView } from './http-view.ts'
export { SafetyViolation, CheckerError, type SafetyViolationCode, type SafetyViolationDetail, type CheckerErrorCode } from './errors.ts'
export { SafetyRecord } from './safety.ts'
export { LivenessTracker } from './liveness.ts'
export { formatCheckerReport, formatMs } from './summary.ts'
export {
  RECOVERY_EVENTS,
  type NodeView, type ViewStatus, type CheckerEventKind, type CheckerReport, type LivenessEvent, type LagEpisode, type CatchUp, type NodeSummary
} from './types.ts'
export { DEFAULT_POLL_MS, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_LAG_BLOCKS, DEFAULT_MAX_BLOCKS_PER_POLL } from './constants.ts'
