import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Domain, verify, signingBytes, keyPairFromSeed, generateKeyPair } from '../../src/identity/index.ts'

const payload = new TextEncoder().encode('a cooperative payload')

test('a signature verifies under its own key and domain only', () => {
  const kp = generateKeyPair()
  const other = generateKeyPair()
  const sig = kp.sign(Domain.Transaction, payload)
  assert.equal(verify(kp.publicKey, Domain.Transaction, payload, sig), true)
  assert.equal(verify(other.publicKey, Domain.Transaction, payload, sig), false, 'another key')
  assert.equal(verify(kp.publicKey, Domain.Vote, payload, sig), false, 'a transaction signature is not a vote')
  const tampered = Uint8Array.from(payload)
  tampered[0] = tampered[0]! ^ 1
  assert.equal(verify(kp.publicKey, Domain.Transaction, tampered, sig), false, 'another payload')
  const badSig = Uint8Array.from(sig)
  badSig[10] = badSig[10]! ^ 0x40
  assert.equal(verify(kp.publicKey, Domain.Transaction, payload, badSig), false, 'a flipped bit')
})

test('malformed keys or signatures verify as false instead of throwing', () => {
  const kp = generateKeyPair()
  const sig = kp.sign(Domain.Vote, payload)
  assert.equal(verify(kp.publicKey.slice(1), Domain.Vote, payload, sig), false)
  assert.equal(verify(kp.publicKey, Domain.Vote, payload, sig.slice(1)), false)
})

test('signing is deterministic (Ed25519) and the domain is length-prefixed', () => {
  const kp = keyPairFromSeed(new Uint8Array(32).fill(1))
  assert.deepEqual(kp.sign(Domain.Proposal, payload), kp.sign(Domain.Proposal, payload))
  const bytes = signingBytes(Domain.Vote, payload)
  assert.equal(bytes[0], Domain.Vote.length)
  assert.equal(new TextDecoder().decode(bytes.subarray(1, 1 + Domain.Vote.length)), Domain.Vote)
  // No domain is a prefix of another's signing bytes: distinct domains never produce equal messages.
  const domains = Object.values(Domain)
  const seen = new Set(domains.map((d) => Buffer.from(signingBytes(d, payload)).toString('hex')))
  assert.equal(seen.size, domains.length)
})
