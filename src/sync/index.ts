/**
 * Sync: catches a node up with its peers through the request/response protocols (SPEC §11;
 * protocols/sync.md) — at start (`initialSync`, before the node takes part in consensus), when the
 * consensus engine sees peers at a later height (`onBehind`), and for blocks named by a proposal or
 * vote that we lack (`fetchByCid`).
 *
 * Every downloaded block passes, in order: strict decoding (reqresp), the parent link to our head, its
 * commit being its own, the commit certificate against our head's validator set (more than 2/3 of the
 * voting power), then re-execution in `apply`. A block that fails gets its peer reported and is
 * fetched again from another peer. Progress: `status()` and an info line at most once per second.
 */
export { createSync } from './sync.ts'
export type { Sync, SyncOptions, SyncStatus } from './types.ts'
export { SyncError, SYNC_ACTION, type SyncErrorCode } from './errors.ts'
export { checkNext, isBlockFault } from './verify.ts'
export {
  DEFAULT_BATCH_SIZE, DEFAULT_MAX_REQUESTS_PER_PEER, DEFAULT_MAX_PENDING_BATCHES, DEFAULT_MAX_BATCH_ATTEMPTS,
  DEFAULT_RATE_LIMITED_BACKOFF_MS, DEFAULT_MAX_STALLED_ROUNDS, DEFAULT_PROGRESS_INTERVAL_MS
} from './constants.ts'
