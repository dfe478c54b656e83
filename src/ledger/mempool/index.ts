/**
 * The mempool: a bounded, deterministic pool of transactions waiting for a block.
 *
 * Generic over the transaction type — the ledger hands in each transaction with its id (CID), sender,
 * nonce, priority and encoded size, plus a view of final state (`check` = checkTx, `accountNonce`).
 * - `add` admits or throws a typed refusal: MempoolError (ALREADY_KNOWN, NONCE_TOO_LOW, NONCE_TOO_HIGH,
 *   SENDER_QUEUE_FULL, REPLACEMENT_UNDERPRICED, MEMPOOL_FULL, TX_TOO_LARGE, INVALID_ENTRY) or
 *   TxRejectedError carrying the ledger's own code. When full it evicts the lowest-priority,
 *   latest-arriving sender tails that rank below the newcomer, never opening a nonce hole.
 * - `reap` lists the next block's transactions by priority then arrival, in nonce order per sender,
 *   executable ones only; it removes nothing.
 * - `update` runs after a block is FINAL: removes its transactions, drops stale nonces and whatever
 *   the ledger now refuses, promotes queued transactions that became executable.
 * No I/O, clock or randomness: equal inputs give equal pools on every node.
 */
export { mempool } from './mempool.ts'
export { MempoolError, TxRejectedError, isMempoolRefusal, type MempoolErrorCode, type MempoolRefusal } from './errors.ts'
export {
  DEFAULT_MAX_TXS, DEFAULT_MAX_BYTES, DEFAULT_MAX_PER_SENDER, DEFAULT_MAX_QUEUED_PER_SENDER, DEFAULT_MAX_NONCE_GAP,
  MIN_PRIORITY, MAX_PRIORITY
} from './constants.ts'
export type {
  Mempool, MempoolTx, MempoolEntry, MempoolInit, MempoolComponents, LedgerView, CheckFailure, AddResult,
  ReapLimits, UpdateResult, Dropped, BlockUpdate
} from './types.ts'
