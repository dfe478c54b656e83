/**
 * did:key for Ed25519 (multicodec `ed25519-pub` 0xed, varint-encoded as 0xed 0x01, then base58btc with
 * the multibase prefix `z`). The same 32-byte key is the node's libp2p PeerId, so a peer's network
 * identity maps to its on-chain member record.
 */
import { base58btc } from 'multiformats/bases/base58'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { IdentityError } from './errors.ts'

const DID_KEY_PREFIX = 'did:key:'
/** Varint of multicodec 0xed (ed25519-pub). */
const ED25519_PUB_MULTICODEC = Uint8Array.of(0xed, 0x01)
export const PUBLIC_KEY_LENGTH = 32

export function didFromPublicKey (publicKey: Uint8Array): string {
  if (publicKey.byteLength !== PUBLIC_KEY_LENGTH) {
    throw new IdentityError('INVALID_KEY', `an Ed25519 public key has ${PUBLIC_KEY_LENGTH} bytes, got ${publicKey.byteLength}`)
  }
  const bytes = new Uint8Array(2 + PUBLIC_KEY_LENGTH)
  bytes.set(ED25519_PUB_MULTICODEC, 0)
  bytes.set(publicKey, 2)
  return DID_KEY_PREFIX + base58btc.encode(bytes)
}

const publicKeyCache = new Map<string, Uint8Array>()
const PUBLIC_KEY_CACHE_MAX = 100_000

/** The raw Ed25519 public key a did:key names; throws IdentityError('INVALID_DID') for anything else. */
export function publicKeyFromDid (did: string): Uint8Array {
  const cached = publicKeyCache.get(did)
  if (cached !== undefined) return cached
  if (typeof did !== 'string' || !did.startsWith(DID_KEY_PREFIX + 'z')) {
    throw new IdentityError('INVALID_DID', `not a did:key with a base58btc key: ${String(did).slice(0, 80)}`)
  }
  let bytes: Uint8Array
  try {
    bytes = base58btc.decode(did.slice(DID_KEY_PREFIX.length))
  } catch {
    throw new IdentityError('INVALID_DID', `did:key is not valid base58btc: ${did.slice(0, 80)}`)
  }
  if (bytes.byteLength !== 2 + PUBLIC_KEY_LENGTH || bytes[0] !== 0xed || bytes[1] !== 0x01) {
    throw new IdentityError('INVALID_DID', `did:key does not hold an Ed25519 public key: ${did.slice(0, 80)}`)
  }
  const key = bytes.slice(2)
  if (publicKeyCache.size >= PUBLIC_KEY_CACHE_MAX) publicKeyCache.clear()
  publicKeyCache.set(did, key)
  return key
}

export function isDid (value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    publicKeyFromDid(value)
    return true
  } catch {
    return false
  }
}

export function peerIdFromDid (did: string): PeerId {
  return peerIdFromPublicKey(publicKeyFromRaw(publicKeyFromDid(did)))
}

/** The did:key of an Ed25519 PeerId; throws for other key types (they have no member identity). */
export function didFromPeerId (peerId: PeerId): string {
  if (peerId.type !== 'Ed25519' || peerId.publicKey == null) {
    throw new IdentityError('INVALID_KEY', `peer ${peerId.toString()} does not have an Ed25519 key`)
  }
  return didFromPublicKey(peerId.publicKey.raw)
}
