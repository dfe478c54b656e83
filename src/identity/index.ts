/**
 * Identity: Ed25519 keys, did:key ↔ public key ↔ PeerId conversions, domain-separated signatures and
 * the node's key file. The core (ledger, consensus) uses the pure parts; only adapters touch key files.
 */
export { didFromPublicKey, publicKeyFromDid, isDid, peerIdFromDid, didFromPeerId, PUBLIC_KEY_LENGTH } from './did.ts'
export { Domain, verify, signingBytes, SIGNATURE_LENGTH } from './sign.ts'
export { keyPairFromSeed, generateKeyPair, libp2pPrivateKey, peerIdOf, type KeyPair } from './keypair.ts'
export { IdentityError, type IdentityErrorCode } from './errors.ts'
