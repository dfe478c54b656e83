/**
 * The handshake (status) message: its schema, its canonical encoding and the rules a peer's message
 * must pass (protocols/handshake.md). Pure functions; the stream exchange lives in exchange.ts.
 */
import type { PeerId } from '@libp2p/interface'
import { encode, decodeStrict, CodecError, z, uint, cid, text, type CID } from '../../codec/index.ts'
import { isDid, didFromPeerId } from '../../identity/index.ts'
import { HandshakeError } from '../errors.ts'
import { HANDSHAKE_MAX_BYTES, HANDSHAKE_MAX_HEADS } from '../constants.ts'

/** The tip of one shard's chain as the sender sees it. */
export interface ShardHead {
  height: number
  block: CID
}

/** What each side of a connection tells the other. */
export interface Status {
  /** CID of the genesis: the network id (SPEC §3). */
  networkId: CID
  /** Version of the ICN wire protocol set the sender speaks. */
  protocolVersion: number
  /** did:key of the sender's node key, the same key as its libp2p PeerId. */
  did: string
  /** Chain heads by shard number (decimal string key); absent when the sender has none to report. */
  head?: Record<string, ShardHead>
}

/** A shard number as a canonical decimal string: no sign, no leading zero, at most 6 digits. */
const shardKey = z.string().regex(/^(0|[1-9][0-9]{0,5})$/, 'must be a shard number in decimal')

const shardHeadSchema = z.strictObject({ height: uint, block: cid })

export const statusSchema = z.strictObject({
  networkId: cid,
  protocolVersion: uint,
  did: text(128).refine(isDid, 'must be an Ed25519 did:key'),
  head: z.record(shardKey, shardHeadSchema)
    .refine((h) => Object.keys(h).length <= HANDSHAKE_MAX_HEADS, `must have at most ${HANDSHAKE_MAX_HEADS} entries`)
    .optional()
})

/** Canonical DAG-CBOR of `status`; refuses a message the peer would refuse as too large. */
export function encodeStatus (status: Status): Uint8Array {
  const bytes = encode(status)
  if (bytes.byteLength > HANDSHAKE_MAX_BYTES) {
    throw new HandshakeError('TOO_LARGE', `status message of ${bytes.byteLength} bytes exceeds ${HANDSHAKE_MAX_BYTES}`)
  }
  return bytes
}

/** Decodes and schema-checks a peer's status message; every failure is a HandshakeError with a code. */
export function decodeStatus (bytes: Uint8Array): Status {
  try {
    return decodeStrict(statusSchema, bytes, HANDSHAKE_MAX_BYTES)
  } catch (err) {
    if (!(err instanceof CodecError)) throw err
    switch (err.code) {
      case 'TOO_LARGE': throw new HandshakeError('TOO_LARGE', err.message)
      case 'SCHEMA': throw new HandshakeError('INVALID_FIELD', err.message, err.field)
      default: throw new HandshakeError('MALFORMED', err.message)
    }
  }
}

/** What the local node expects of every peer. */
export interface LocalExpectation {
  networkId: CID
  protocolVersion: number
}

/**
 * Applies the validation rules, in the documented order, to the status a peer sent over a connection
 * authenticated (by Noise) as `remotePeer`. Throws a HandshakeError naming the first broken rule.
 */
export function checkStatus (local: LocalExpectation, status: Status, remotePeer: PeerId): void {
  // [REFUSE NETWORK_MISMATCH] the peer's genesis CID must equal ours
  const ours = local.networkId.toString()
  const theirs = status.networkId.toString()
  if (!status.networkId.equals(local.networkId)) {
    throw new HandshakeError('NETWORK_MISMATCH', `network id mismatch: ours is ${ours}, peer's is ${theirs}`)
  }
  // [REFUSE PROTOCOL_VERSION] the peer must speak our protocol version
  if (status.protocolVersion !== local.protocolVersion) {
    throw new HandshakeError('PROTOCOL_VERSION', `protocol version mismatch: ours is ${local.protocolVersion}, peer's is ${status.protocolVersion}`)
  }
  // [REFUSE DID_MISMATCH] the DID must be the key the peer proved in the Noise handshake
  let expected: string
  try {
    expected = didFromPeerId(remotePeer)
  } catch {
    throw new HandshakeError('DID_MISMATCH', `peer ${remotePeer.toString()} has no Ed25519 key, so no DID`)
  }
  if (status.did !== expected) {
    throw new HandshakeError('DID_MISMATCH', `DID ${status.did} is not the key of peer ${remotePeer.toString()}`)
  }
}
