/**
 * Why a submitted transaction was refused, in one typed error: `code` is the precise reason (the
 * ledger's or the mempool's own code, passed through, or ALREADY_FINAL), `kind` the class of refusal an
 * adapter maps to its own verdict (the HTTP API to a status, the CLI to an exit code, gossip to
 * ignore/reject). This is the one place that classifies those codes.
 */
import { TxError, type TxErrorCode } from '../ledger/index.ts'
import { MempoolError, TxRejectedError, type MempoolErrorCode } from '../ledger/mempool/index.ts'

export const SubmitErrorKind = {
  /** The bytes are not a well-formed transaction; `field` names where. */
  Malformed: 'malformed',
  /** Over the transaction or payload size cap. */
  TooLarge: 'too_large',
  /** Already known (pending or final) or its nonce collides with the sender's sequence. */
  Conflict: 'conflict',
  /** Well formed but refused by a ledger rule (signature, network, mana, timestamp window…). */
  Refused: 'refused',
  /** The mempool is full and this transaction ranks too low to evict anything. */
  Full: 'full',
  /** The sender already holds its quota of pending transactions. */
  RateLimited: 'rate_limited',
  /** The node cannot take transactions yet (its chain is not open). */
  Unavailable: 'unavailable'
} as const
export type SubmitErrorKind = typeof SubmitErrorKind[keyof typeof SubmitErrorKind]

export type SubmitErrorCode = TxErrorCode | MempoolErrorCode | 'ALREADY_FINAL' | 'NOT_STARTED'

export class SubmitError extends Error {
  override name = 'SubmitError'
  readonly code: SubmitErrorCode
  readonly kind: SubmitErrorKind
  /** The offending field ('' when the whole transaction is concerned). */
  readonly field: string

  constructor (code: SubmitErrorCode, kind: SubmitErrorKind, message: string, field = '', options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.kind = kind
    this.field = field
  }
}

const TX_KINDS: Partial<Record<TxErrorCode, SubmitErrorKind>> = {
  MALFORMED: SubmitErrorKind.Malformed,
  TX_TOO_LARGE: SubmitErrorKind.TooLarge,
  PAYLOAD_TOO_LARGE: SubmitErrorKind.TooLarge,
  NONCE_TOO_LOW: SubmitErrorKind.Conflict
}

const POOL_KINDS: Record<MempoolErrorCode, SubmitErrorKind> = {
  INVALID_CONFIG: SubmitErrorKind.Malformed,
  INVALID_ENTRY: SubmitErrorKind.Malformed,
  ALREADY_KNOWN: SubmitErrorKind.Conflict,
  TX_TOO_LARGE: SubmitErrorKind.TooLarge,
  NONCE_TOO_LOW: SubmitErrorKind.Conflict,
  NONCE_TOO_HIGH: SubmitErrorKind.Conflict,
  SENDER_QUEUE_FULL: SubmitErrorKind.RateLimited,
  REPLACEMENT_UNDERPRICED: SubmitErrorKind.Conflict,
  MEMPOOL_FULL: SubmitErrorKind.Full
}

/** The SubmitError for a refusal thrown by decoding, checkTx or the mempool; other errors pass through. */
export function submitRefusal (err: unknown): unknown {
  if (err instanceof SubmitError) return err
  if (err instanceof TxError) {
    // the code travels beside the message, so the message is the field and the reason alone
    const message = err.field === '' ? err.reason : `${err.field}: ${err.reason}`
    return new SubmitError(err.code, TX_KINDS[err.code] ?? SubmitErrorKind.Refused, message, err.field, { cause: err })
  }
  if (err instanceof MempoolError) {
    return new SubmitError(err.code, POOL_KINDS[err.code], err.message, err.field, { cause: err })
  }
  if (err instanceof TxRejectedError) {
    const code = err.code as TxErrorCode
    return new SubmitError(code, TX_KINDS[code] ?? SubmitErrorKind.Refused, err.message, '', { cause: err })
  }
  return err
}
