/**
 * The chain as the node keeps and serves it: one shard's finalized blocks, their commit certificates,
 * receipts, a transaction index and the ledger state, persisted in the node's store, plus the shapes the
 * node answers with about them.
 *
 * - `openChain(store, genesis, {shard?, verifier?})` → `ChainStore`: first start persists genesis; later
 *   starts reload the state and refuse to run when it does not hash to the head's stateRoot
 *   (ChainError STATE_ROOT_MISMATCH). `commit(block, commit, executed?)` writes block, commit,
 *   receipts, tx index, state and head in one synced batch, then advances the in-memory LedgerChain.
 *   Reads: head/headCid/height/headCommit, finalizedHeight/finalizedCid (= head: BFT finality),
 *   blockAt, blockByCid, blocksRange, commitAt, txLocation, receipt; `ledger` for state queries.
 * - `open.ts`: openChain; `chain-store.ts`: ChainStore; `records.ts`: the on-disk layout and record codecs.
 * - `views.ts`: TxStatus, account / member / reputation views at the head's time.
 * - `submit.ts`: SubmitError — why a submitted transaction was refused (code + kind).
 * - `json.ts`: `toJson` — CIDs as strings, bytes as base64 — for the API and the CLI.
 */
export { openChain, type OpenChainOptions } from './open.ts'
export { ChainStore, type StoredBlock, type ChainStoreParts } from './chain-store.ts'
export { ChainError, type ChainErrorCode } from './errors.ts'
export { chainNamespaces, type ChainNamespaces, type TxLocation } from './records.ts'
export {
  accountView, memberView, reputationView,
  type TxStatus, type AccountView, type MemberView, type ReputationView, type ValidatorView
} from './views.ts'
export { SubmitError, SubmitErrorKind, submitRefusal, type SubmitErrorCode } from './submit.ts'
export { toJson, fromBase64, type Json } from './json.ts'
