/** Errors of the network adapter. Callers and tests match on `code`, never on message text. */

/** Why a peer failed the handshake (protocols/handshake.md, "Failure"). */
export type HandshakeErrorCode =
  | 'MALFORMED' // not canonical DAG-CBOR, or a bad length prefix
  | 'TOO_LARGE' // the message is longer than HANDSHAKE_MAX_BYTES
  | 'INVALID_FIELD' // well-formed CBOR that breaks the schema; `field` names where
  | 'NETWORK_MISMATCH' // the peer belongs to another network (another genesis CID)
  | 'PROTOCOL_VERSION' // the peer speaks a handshake version we do not
  | 'DID_MISMATCH' // the DID is not the one of the key the peer authenticated with in Noise
  | 'TIMEOUT' // no complete handshake within the deadline
  | 'STREAM' // the stream ended or was reset before a complete message arrived
  | 'UNSUPPORTED' // the peer does not speak the handshake protocol at all

export class HandshakeError extends Error {
  override name = 'HandshakeError'
  readonly code: HandshakeErrorCode
  /** Dotted path of the offending field for INVALID_FIELD, '' otherwise. */
  readonly field: string

  constructor (code: HandshakeErrorCode, message: string, field = '') {
    super(message)
    this.code = code
    this.field = field
  }
}

export type NetworkErrorCode =
  | 'INVALID_TOPIC' // a topic name outside [a-z0-9-] or too long
  | 'ALREADY_SUBSCRIBED' // subscribe() twice for one topic without unsubscribe() between
  | 'INVALID_MULTIADDR' // an address that does not parse, or a bootstrap address without /p2p/<id>
  | 'NOT_STARTED' // an operation that needs a running host
  | 'DIAL_DENIED' // dialling a peer that is on the refused list
  | 'NOT_VERIFIED' // a peer that connected but did not pass the handshake

export class NetworkError extends Error {
  override name = 'NetworkError'
  readonly code: NetworkErrorCode

  constructor (code: NetworkErrorCode, message: string) {
    super(message)
    this.code = code
  }
}
