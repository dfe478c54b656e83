/** Why the pool itself refused a transaction or a configuration. Callers match on `code`, not text. */
export type MempoolErrorCode =
  | 'INVALID_CONFIG' // a bound in MempoolInit that is not a positive safe integer (or a non-negative one for the gap)
  | 'INVALID_ENTRY' // id, sender, nonce, priority or size that breaks its rule; `field` names which
  | 'ALREADY_KNOWN' // a transaction with this id is already in the pool
  | 'TX_TOO_LARGE' // larger than the pool's whole byte budget: it could never fit
  | 'NONCE_TOO_LOW' // nonce below the sender's account nonce: already used (replay)
  | 'NONCE_TOO_HIGH' // nonce further than the allowed gap past the sender's next executable nonce
  | 'SENDER_QUEUE_FULL' // the sender already holds its quota of transactions (or of queued ones)
  | 'REPLACEMENT_UNDERPRICED' // same (sender, nonce) as a held transaction without a higher priority
  | 'MEMPOOL_FULL' // the pool is full and nothing ranks below the incoming transaction

export class MempoolError extends Error {
  override name = 'MempoolError'
  readonly code: MempoolErrorCode
  /** The offending entry field for INVALID_ENTRY / INVALID_CONFIG, '' otherwise. */
  readonly field: string

  constructor (code: MempoolErrorCode, message: string, field = '') {
    super(field === '' ? message : `${field}: ${message}`)
    this.code = code
    this.field = field
  }
}

/**
 * The ledger's own check refused the transaction; `code` is the ledger's code, passed through verbatim
 * (e.g. a bad signature or too little mana), so a gossip validator can map it to reject vs ignore.
 */
export class TxRejectedError extends Error {
  override name = 'TxRejectedError'
  readonly code: string

  constructor (code: string, message: string) {
    super(message)
    this.code = code
  }
}

/** Every refusal `add` throws. */
export type MempoolRefusal = MempoolError | TxRejectedError

export function isMempoolRefusal (err: unknown): err is MempoolRefusal {
  return err instanceof MempoolError || err instanceof TxRejectedError
}
