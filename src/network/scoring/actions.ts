/**
 * Tolerance tiers of peer misconduct (Lodestar's PeerAction) and the pure functions that turn an
 * error code into one. Whoever detects misconduct (gossip validation, request/response, the handshake)
 * names a tier; the scorer alone knows what a tier costs (constants.ts).
 */
import type { HandshakeErrorCode } from '../errors.ts'

/**
 * - `fatal`: the peer is hostile or incompatible; banned at once.
 * - `low`: low tolerance, provably invalid data.
 * - `mid`: mid tolerance, a fault an honest peer commits rarely.
 * - `high`: high tolerance, a nuisance that only counts as a pattern.
 */
export type PeerAction = 'fatal' | 'low' | 'mid' | 'high'

export const PEER_ACTIONS: readonly PeerAction[] = ['fatal', 'low', 'mid', 'high']

/** Reports a peer's conduct: the callback other modules (gossip, request/response) are given. */
export type ReportPeer = (peerId: string, action: PeerAction, reason: string) => void

/**
 * What a failed handshake says about the peer. Every refusal also keeps the peer out for the
 * handshake's refusal period (protocols/handshake.md); the score records the pattern on top of it.
 * None is fatal: a node of another network, or one still starting up, is misconfigured, not hostile,
 * and the refusal period already keeps it away.
 */
const HANDSHAKE_ACTION: Readonly<Record<HandshakeErrorCode, PeerAction>> = {
  // broken or lying implementations: bytes no honest ICN node sends
  MALFORMED: 'low',
  TOO_LARGE: 'low',
  INVALID_FIELD: 'low',
  DID_MISMATCH: 'low',
  // honest but incompatible: another network or another protocol version
  NETWORK_MISMATCH: 'mid',
  PROTOCOL_VERSION: 'mid',
  UNSUPPORTED: 'mid',
  // an overloaded or slow peer can do this
  TIMEOUT: 'high',
  STREAM: 'high'
}

export function handshakeAction (code: HandshakeErrorCode): PeerAction {
  return HANDSHAKE_ACTION[code]
}
