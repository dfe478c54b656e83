/** Defaults of fault scenarios, applied once as `manifest.x ?? DEFAULT_X`. */

/**
 * Round timeouts of a scenario's network unless its manifest sets others: short, so a partition and
 * its heal take seconds, and long enough for four nodes sharing two loaded cores.
 */
export const FAULT_CONSENSUS = { timeoutProposeMs: 1000, timeoutPrevoteMs: 500, timeoutPrecommitMs: 500, timeoutDeltaMs: 250 } as const
/** How long a step waits for its `at` (or a `wait` for its `for`) condition. */
export const DEFAULT_STEP_TIMEOUT_MS = 60_000
/** The whole run, setup included. */
export const DEFAULT_RUN_TIMEOUT_MS = 300_000
/** Validators plus late joiners. */
export const MAX_SCENARIO_NODES = 32
/** How often a `nodeK.sanctioned` condition asks the nodes. */
export const SANCTION_POLL_MS = 250
/** Budget of one API request the runner makes (conditions, expectations). */
export const API_REQUEST_TIMEOUT_MS = 2_000
