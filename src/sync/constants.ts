/** Defaults of the sync driver, applied once in `createSync` as `opts.x ?? DEFAULT_X`. */

/** Blocks per blocks_by_range request (at most the protocol's 64). */
export const DEFAULT_BATCH_SIZE = 32
/** Range requests in flight to one peer at a time. */
export const DEFAULT_MAX_REQUESTS_PER_PEER = 2
/**
 * Batches downloaded ahead of the head (queued, in flight or waiting to be applied): bounds memory to
 * batchSize × this many blocks.
 */
export const DEFAULT_MAX_PENDING_BATCHES = 8
/** Requests for one batch before the run gives up on it (each failure moves to another peer). */
export const DEFAULT_MAX_BATCH_ATTEMPTS = 8
/** How long a peer that answered "rate limited" is left alone. */
export const DEFAULT_RATE_LIMITED_BACKOFF_MS = 2_000
/** Initial sync: status polls in a row that bring no progress before it gives up and returns. */
export const DEFAULT_MAX_STALLED_ROUNDS = 3
/** Least time between two progress log lines. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 1_000
/** Blocks fetched by CID kept until the range sync reaches their height. */
export const MAX_HINTS = 64
