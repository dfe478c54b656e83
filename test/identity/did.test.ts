import { test } from 'node:test'
import assert from 'node:assert/strict'
import { base58btc } from 'multiformats/bases/base58'
import {
  didFromPublicKey, publicKeyFromDid, isDid, peerIdFromDid, didFromPeerId, keyPairFromSeed, peerIdOf, IdentityError
} from '../../src/identity/index.ts'

/** base58btc without the multibase prefix, as did:key test vectors print `publicKeyBase58`. */
const b58 = (text: string): Uint8Array => base58btc.baseDecode(text)

// Vectors published with did:key implementations (ACA-Py's DID tests; the DWN interop config).
const VECTORS = [
  { publicKeyBase58: '8HH5gYEeNc3z7PYXmd54d4x6qAfCNrqQqEB3nS7Zfu7K', did: 'did:key:z6MkmjY8GnV5i9YTDtPETC2uUAW6ejw3nk5mXF5yci5ab7th' },
  { publicKeyBase58: 'HrBXe7XnjMbscM1roSDTSMCcLNraetDQM9wSVjnzDxn3', did: 'did:key:z6MkwJSaEMnE4u6LiqrZV1BJHSkc9x8S4mTm3ArNL1m19BZR' }
]

test('did:key of known Ed25519 public keys matches the published vectors, both ways', () => {
  for (const v of VECTORS) {
    const key = b58(v.publicKeyBase58)
    assert.equal(didFromPublicKey(key), v.did)
    assert.deepEqual(publicKeyFromDid(v.did), key)
  }
})

test('a seed derives the published public key and DID (DWN vector, RFC 8032 test 1)', () => {
  const dwnPrivate = b58('3FFXDEFub6DPDX9CEZugQKAFikm1rfnNFwdycUGksAWhrs6BNca6USdttMcyx6oAdKmtnFBQijgisU58r26JfXJF')
  const kp = keyPairFromSeed(dwnPrivate.slice(0, 32))
  assert.equal(kp.did, 'did:key:z6MkwJSaEMnE4u6LiqrZV1BJHSkc9x8S4mTm3ArNL1m19BZR')

  const rfc = keyPairFromSeed(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'))
  assert.equal(Buffer.from(rfc.publicKey).toString('hex'), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
})

test('DID ↔ PeerId conversions agree with libp2p for the same key', async () => {
  const kp = keyPairFromSeed(new Uint8Array(32).fill(7))
  const peerId = await peerIdOf(kp)
  assert.equal(peerIdFromDid(kp.did).toString(), peerId.toString())
  assert.equal(didFromPeerId(peerId), kp.did)
  assert.match(peerId.toString(), /^12D3KooW/)
})

test('malformed DIDs are refused with INVALID_DID', () => {
  const bad = [
    'did:web:example.org',
    'did:key:6MkmjY8GnV5i9YTDtPETC2uUAW6ejw3nk5mXF5yci5ab7th', // no multibase prefix
    'did:key:z0OIl', // not base58
    'did:key:z' + base58btc.baseEncode(Uint8Array.of(0xe7, 0x01, ...new Uint8Array(33))), // secp256k1 codec
    'did:key:z' + base58btc.baseEncode(Uint8Array.of(0xed, 0x01, ...new Uint8Array(31))) // short key
  ]
  for (const did of bad) {
    assert.throws(() => publicKeyFromDid(did), (err: unknown) => err instanceof IdentityError && err.code === 'INVALID_DID', did)
    assert.equal(isDid(did), false)
  }
  assert.throws(() => didFromPublicKey(new Uint8Array(31)), (err: unknown) => err instanceof IdentityError && err.code === 'INVALID_KEY')
})
