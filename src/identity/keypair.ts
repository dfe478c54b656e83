/**
 * A member or node key: one Ed25519 seed from which the signing key, the did:key and the libp2p
 * PeerId all derive, so they can never drift apart.
 */
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto'
import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface'
import { didFromPublicKey } from './did.ts'
import { privateKeyObject, signWith, type Domain } from './sign.ts'
import { IdentityError } from './errors.ts'

export interface KeyPair {
  /** The 32-byte Ed25519 seed: the secret. */
  readonly seed: Uint8Array
  readonly publicKey: Uint8Array
  readonly did: string
  sign: (domain: Domain, payload: Uint8Array) => Uint8Array
}

export function keyPairFromSeed (seed: Uint8Array): KeyPair {
  if (seed.byteLength !== 32) throw new IdentityError('INVALID_KEY', `an Ed25519 seed has 32 bytes, got ${seed.byteLength}`)
  const key: KeyObject = privateKeyObject(seed)
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
  const publicKey = new Uint8Array(spki.subarray(spki.byteLength - 32))
  const did = didFromPublicKey(publicKey)
  return {
    seed: Uint8Array.from(seed),
    publicKey,
    did,
    sign: (domain, payload) => signWith(key, domain, payload)
  }
}

/** A fresh key from the operating system's CSPRNG. Only adapters (CLI, tests) call this, never the core. */
export function generateKeyPair (): KeyPair {
  return keyPairFromSeed(randomBytes(32))
}

/** The libp2p form of the same key, for the host's identity. */
export async function libp2pPrivateKey (keyPair: KeyPair): Promise<Ed25519PrivateKey> {
  return generateKeyPairFromSeed('Ed25519', keyPair.seed)
}

export async function peerIdOf (keyPair: KeyPair): Promise<PeerId> {
  return peerIdFromPrivateKey(await libp2pPrivateKey(keyPair))
}
