/**
 * Why a request failed, as seen by the requester, and what that says about the responder. Every
 * failure of `requestStatus` / `requestBlocksByRange` / `requestBlocksByCid` is a ReqRespError; callers
 * and tests match on `code`. `OUTBOUND_ACTION` is the one table that turns a code into a peer report.
 */

/** How badly a peer behaved, in the scoring module's tolerance tiers (fatal = disconnect at once). */
export type PeerAction = 'fatal' | 'low' | 'mid' | 'high'

/** Reports a peer's conduct; implemented by the peer-scoring module. */
export type ReportPeer = (peerId: string, action: PeerAction, reason: string) => void

export type ReqRespErrorCode =
  | 'DIAL_FAILED' // no stream could be opened to the peer within the dial timeout
  | 'UNSUPPORTED' // the peer does not speak the method's protocol id
  | 'NOT_VERIFIED' // the peer has not passed the handshake: we do not ask it
  | 'TTFB_TIMEOUT' // no response byte within the time-to-first-byte timeout
  | 'TIMEOUT' // a chunk took longer than the chunk timeout, or the whole request the request timeout
  | 'TOO_LARGE' // a length prefix above the cap (response chunk, or our own request before sending)
  | 'MALFORMED' // bytes that do not parse: bad varint, unknown result code, bad DAG-CBOR, broken schema
  | 'INVALID_RESPONSE' // well-formed chunks that break the method's contract (order, count, network)
  | 'STREAM' // the stream was reset, or ended inside a chunk
  | 'INVALID_REQUEST' // result code 1, or our own request broke a limit before it was sent
  | 'SERVER_ERROR' // result code 2
  | 'RATE_LIMITED' // result code 3
  | 'UNAVAILABLE' // result code 4 (also thrown by a ChainReader that lacks the data asked for)
  | 'ABORTED' // the caller's signal fired or the service stopped

export class ReqRespError extends Error {
  override name = 'ReqRespError'
  readonly code: ReqRespErrorCode
  /** A report that overrides OUTBOUND_ACTION for this one failure (e.g. a status of another network). */
  readonly action: PeerAction | undefined

  constructor (code: ReqRespErrorCode, message: string, options: { action?: PeerAction, cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined)
    this.code = code
    this.action = options.action
  }
}

/**
 * What a failed outbound request says about the responder (protocols/reqresp.md, "Scoring").
 * null: nothing — the failure is ours, the connection's, or the responder's legitimate answer.
 */
export const OUTBOUND_ACTION: Record<ReqRespErrorCode, PeerAction | null> = {
  DIAL_FAILED: null,
  UNSUPPORTED: 'mid',
  NOT_VERIFIED: null,
  TTFB_TIMEOUT: 'mid',
  TIMEOUT: 'high',
  TOO_LARGE: 'low',
  MALFORMED: 'low',
  INVALID_RESPONSE: 'low',
  STREAM: 'high',
  INVALID_REQUEST: null,
  SERVER_ERROR: 'high',
  RATE_LIMITED: null,
  UNAVAILABLE: null,
  ABORTED: null
}
