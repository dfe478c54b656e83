/** Why the persisted chain refused to open or to take a block. Callers and tests match on `code`. */
export type ChainErrorCode =
  | 'GENESIS_MISMATCH' // the stored block 0 is not the genesis block of the genesis given
  | 'STATE_ROOT_MISMATCH' // the stored state does not hash to the head header's stateRoot (corruption)
  | 'CORRUPT' // a stored record is missing or does not decode (head block, commit, receipts, index entry)
  | 'NOT_NEXT' // the block is not the child of the head (height or parent)
  | 'INVALID_COMMIT' // the commit certificate is not a valid one for this block
  | 'STALE_EXECUTION' // the ExecutedBlock given was computed on another version of the state
  | 'WRITE_FAILED' // the batch did not reach the disk; the head is unchanged, the commit may be retried
  | 'UNAVAILABLE' // an earlier write failed in a way that left the disk's head unknown: reopen the chain

export class ChainError extends Error {
  override name = 'ChainError'
  readonly code: ChainErrorCode

  constructor (code: ChainErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
