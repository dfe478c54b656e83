/**
 * Why a gossip message was not accepted (STYLE 9, 12). Validators throw a GossipValidationError; its
 * code fixes the gossipsub verdict (`action`) and, through `gossipPenalty`, what the forwarding peer's
 * conduct score pays. Tests match on `code`, never on message text.
 */
import type { PeerAction } from '../scoring/index.ts'

export type GossipErrorCode =
  | 'TOO_LARGE' // payload over the topic's size cap
  | 'MALFORMED' // not canonical DAG-CBOR, or breaks the topic's strict schema; `detail` names the field
  | 'WRONG_NETWORK' // names another network id
  | 'WRONG_SHARD' // names another shard than the topic's
  | 'INVALID_VALID_ROUND' // a proposal whose validRound is not below its round
  | 'STALE' // for a height below current − 1: useless now
  | 'FUTURE' // for a height above current + 1 (evidence: above current): not checkable yet
  | 'DUPLICATE' // a vote, proposal or evidence already accepted (same signature / same offence)
  | 'KNOWN' // a transaction already pending or final, or evidence of an offence already punished
  | 'UNKNOWN_VALIDATOR' // a vote at the current height from outside its validator set
  | 'WRONG_PROPOSER' // a proposal at the current height from another than the expected proposer
  | 'BAD_SIGNATURE' // a signature that does not verify
  | 'BLOCK_MISMATCH' // the block carried by a proposal is not the one it names
  | 'INVALID_EVIDENCE' // two votes that are not a double-sign (different validators, rounds, same block)
  | 'TX_INVALID' // a transaction refused by admission for a reason that makes it invalid for everyone
  | 'TX_INADMISSIBLE' // a transaction refused by admission for a state-dependent reason (nonce, mana, clock)
  | 'QUEUE_FULL' // dropped: the topic's validation queue was full
  | 'RATE_LIMITED' // dropped: the forwarding peer is over its message rate limit
  | 'INTERNAL' // our own validator failed: never held against the peer

export type GossipAction = 'ignore' | 'reject'

export const GOSSIP_ERROR_ACTION: Readonly<Record<GossipErrorCode, GossipAction>> = {
  TOO_LARGE: 'reject',
  MALFORMED: 'reject',
  WRONG_NETWORK: 'reject',
  WRONG_SHARD: 'reject',
  INVALID_VALID_ROUND: 'reject',
  STALE: 'ignore',
  FUTURE: 'ignore',
  DUPLICATE: 'ignore',
  KNOWN: 'ignore',
  UNKNOWN_VALIDATOR: 'reject',
  WRONG_PROPOSER: 'reject',
  BAD_SIGNATURE: 'reject',
  BLOCK_MISMATCH: 'reject',
  INVALID_EVIDENCE: 'reject',
  TX_INVALID: 'reject',
  TX_INADMISSIBLE: 'ignore',
  QUEUE_FULL: 'ignore',
  RATE_LIMITED: 'ignore',
  INTERNAL: 'ignore'
}

/**
 * What the forwarding peer pays for a message, by code: the pure error → tier function.
 * - Every reject is low tolerance: an honest node validates before it forwards, and every reject
 *   rule is one an honest peer at our height evaluates exactly as we do, so a rejected message is
 *   the forwarder's fault. Six in a burst disconnect it, nine ban it.
 * - A message over the rate limit is high tolerance, one point each: a small overshoot is forgiven
 *   within minutes, a flood bans in seconds.
 * - Other ignores cost nothing: duplicates, stale or early messages and state-dependent transaction
 *   failures are what honest peers forward during races; a full queue is our load, not theirs.
 */
export function gossipPenalty (code: GossipErrorCode): PeerAction | undefined {
  if (code === 'RATE_LIMITED') return 'high'
  if (code === 'INTERNAL') return undefined
  return GOSSIP_ERROR_ACTION[code] === 'reject' ? 'low' : undefined
}

export class GossipValidationError extends Error {
  override name = 'GossipValidationError'
  readonly code: GossipErrorCode
  /** The verdict this error stands for. */
  readonly action: GossipAction
  /** The offending field or the underlying error code (e.g. a TxError code), '' when none. */
  readonly detail: string

  constructor (code: GossipErrorCode, message: string, detail = '') {
    super(message)
    this.code = code
    this.action = GOSSIP_ERROR_ACTION[code]
    this.detail = detail
  }

  /**
   * Built without a stack trace: ignores (duplicates, stale messages) are routine under load and a
   * stack per message would cost more than the validation.
   */
  static of (code: GossipErrorCode, message: string, detail = ''): GossipValidationError {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      return new GossipValidationError(code, message, detail)
    } finally {
      Error.stackTraceLimit = limit
    }
  }
}
