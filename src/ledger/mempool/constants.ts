/**
 * Defaults for the mempool's bounds. Every one can be overridden through `MempoolInit`; the factory
 * applies them once as `init.x ?? DEFAULT_X`.
 */

/** Most transactions held at once, executable and queued together. */
export const DEFAULT_MAX_TXS = 10_000

/** Most encoded bytes held at once (64 MiB): 64 blocks' worth at the 1 MiB block cap (SPEC §7). */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024

/**
 * Most transactions one sender may hold, executable and queued. Priority is chosen by the sender
 * (SPEC §4), so without this a single account could fill the pool at priority 5 and evict everyone.
 */
export const DEFAULT_MAX_PER_SENDER = 1_000

/** Most future-nonce (not yet executable) transactions one sender may hold. */
export const DEFAULT_MAX_QUEUED_PER_SENDER = 64

/**
 * Largest hole allowed between a sender's next executable nonce and a queued transaction's nonce:
 * nonce − next ≤ this. A nonce far in the future cannot execute for a long time and only takes room.
 */
export const DEFAULT_MAX_NONCE_GAP = 64

/** Transaction priorities run from 1 (default) to 5 (SPEC §4). */
export const MIN_PRIORITY = 1
export const MAX_PRIORITY = 5
