/**
 * Domain-separated Ed25519 signatures (SPEC §1). The signed message is
 * `len(domain) ‖ domain ‖ payload`, with a one-byte length so no domain can be a prefix of another:
 * a vote can never be replayed as a transaction. Uses node:crypto (native, constant time); KeyObjects
 * are cached because building one costs as much as a verification.
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto'
import { IdentityError } from './errors.ts'

/** Every signing context of the protocol. Adding one is a protocol change: document it in protocols/. */
export const Domain = {
  Transaction: 'icn/tx/v1',
  Proposal: 'icn/proposal/v1',
  Vote: 'icn/vote/v1',
  Attestation: 'icn/attestation/v1',
  Handshake: 'icn/handshake/v1'
} as const
export type Domain = typeof Domain[keyof typeof Domain]

export const SIGNATURE_LENGTH = 64
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

export function signingBytes (domain: Domain, payload: Uint8Array): Uint8Array {
  const d = Buffer.from(domain, 'utf8')
  const out = new Uint8Array(1 + d.byteLength + payload.byteLength)
  out[0] = d.byteLength
  out.set(d, 1)
  out.set(payload, 1 + d.byteLength)
  return out
}

export function privateKeyObject (seed: Uint8Array): KeyObject {
  if (seed.byteLength !== 32) throw new IdentityError('INVALID_KEY', `an Ed25519 seed has 32 bytes, got ${seed.byteLength}`)
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' })
}

const publicKeyObjects = new Map<string, KeyObject>()
const PUBLIC_KEY_OBJECTS_MAX = 50_000

function publicKeyObject (publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64')
  let key = publicKeyObjects.get(id)
  if (key === undefined) {
    if (publicKey.byteLength !== 32) throw new IdentityError('INVALID_KEY', `an Ed25519 public key has 32 bytes, got ${publicKey.byteLength}`)
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' })
    if (publicKeyObjects.size >= PUBLIC_KEY_OBJECTS_MAX) publicKeyObjects.clear()
    publicKeyObjects.set(id, key)
  }
  return key
}

export function signWith (key: KeyObject, domain: Domain, payload: Uint8Array): Uint8Array {
  return new Uint8Array(cryptoSign(null, signingBytes(domain, payload), key))
}

/** True when `signature` is `publicKey`'s signature of `payload` in `domain`; false for any malformed input. */
export function verify (publicKey: Uint8Array, domain: Domain, payload: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.byteLength !== 32 || signature.byteLength !== SIGNATURE_LENGTH) return false
  return cryptoVerify(null, signingBytes(domain, payload), publicKeyObject(publicKey), signature)
}
