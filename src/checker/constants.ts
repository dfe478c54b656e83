/** Defaults of the safety and liveness checker, applied once as `options.x ?? DEFAULT_X`. */

/** How often each node's `GET /status` is read. */
export const DEFAULT_POLL_MS = 150
/** Budget of one request to a node; a paused (SIGSTOP) node must not hold up the others. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 1_000
/**
 * A node more than this many blocks behind the highest finalized height counts as lagging. Nodes
 * are read one after another, so a node that keeps up can look a block or two behind.
 */
export const DEFAULT_LAG_BLOCKS = 2
/** Blocks fetched per node per poll to fill in the heights its status skipped (a syncing node jumps). */
export const DEFAULT_MAX_BLOCKS_PER_POLL = 32
