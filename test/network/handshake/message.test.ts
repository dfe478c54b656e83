import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import * as dagCbor from '@ipld/dag-cbor'
import * as lp from 'it-length-prefixed'
import { cidOf, encode } from '../../../src/codec/index.ts'
import { keyPairFromSeed, peerIdOf } from '../../../src/identity/index.ts'
import {
  encodeStatus, decodeStatus, checkStatus, HandshakeError, HANDSHAKE_MAX_BYTES, PROTOCOL_VERSION, type Status
} from '../../../src/network/index.ts'

const net = cidOf({ network: 'handshake-test' })
const alice = keyPairFromSeed(new Uint8Array(32).fill(1))
const bob = keyPairFromSeed(new Uint8Array(32).fill(2))
const block = cidOf({ block: 7 })
const VECTOR = '8301a36364696478386469643a6b65793a7a364d6b6f6e334e656364364e6b6b79666f476f48786964327a6e47' +
  '6335394c55334b376d756261526346624c664c58696e6574776f726b4964d82a582500017112207d0d6e385f76' +
  '86ba63e7b47d63029871a1922a31e40c4a19463f92f5ee7249b26f70726f746f636f6c56657273696f6e01'

function status (over: Partial<Status> = {}): Status {
  return { networkId: net, protocolVersion: PROTOCOL_VERSION, did: alice.did, ...over }
}

function refusedWith (code: string, field?: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof HandshakeError, `expected HandshakeError, got ${String(err)}`)
    assert.equal(err.code, code)
    if (field !== undefined) assert.equal(err.field, field)
    return true
  }
}

describe('handshake status codec', () => {
  it('round-trips a status with and without heads', () => {
    const plain = status()
    const back = decodeStatus(encodeStatus(plain))
    assert.ok(back.networkId.equals(net))
    assert.equal(back.did, alice.did)
    assert.equal(back.protocolVersion, PROTOCOL_VERSION)
    assert.equal(back.head, undefined)
    assert.deepEqual(encodeStatus(back), encodeStatus(plain))
    const withHeads = status({ head: { 0: { height: 12, block }, 3: { height: 0, block } } })
    const decoded = decodeStatus(encodeStatus(withHeads))
    assert.equal(decoded.head?.['0']?.height, 12)
    assert.ok(decoded.head?.['3']?.block.equals(block))
  })

  it('encodes the documented fields as canonical DAG-CBOR', () => {
    const bytes = encodeStatus(status())
    assert.deepEqual(Object.keys(dagCbor.decode<Record<string, unknown>>(bytes)), ['did', 'networkId', 'protocolVersion'])
    assert.deepEqual(bytes, encode({ protocolVersion: PROTOCOL_VERSION, did: alice.did, networkId: net }))
  })

  it('matches the test vector in protocols/handshake.md', async () => {
    const networkId = cidOf({ example: 'icn genesis' })
    assert.equal(networkId.toString(), 'bafyreid5bvxdqx3wq25ghz5upvrqfgdrugjcumpebrfbsrr7sl2644sjwi')
    assert.equal(alice.did, 'did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX')
    assert.equal((await peerIdOf(alice)).toString(), '12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5')
    const framed = lp.encode.single(encodeStatus({ networkId, protocolVersion: 1, did: alice.did })).subarray()
    assert.equal(Buffer.from(framed).toString('hex'), VECTOR)
  })

  it('refuses bytes that are not DAG-CBOR with MALFORMED', () => {
    assert.throws(() => decodeStatus(Uint8Array.of(0xff, 0x00, 0x13)), refusedWith('MALFORMED'))
    assert.throws(() => decodeStatus(new Uint8Array(0)), refusedWith('MALFORMED'))
  })

  it('refuses a message over the cap with TOO_LARGE, on both ends', () => {
    const big = encode({ ...status(), padding: new Uint8Array(HANDSHAKE_MAX_BYTES) })
    assert.throws(() => decodeStatus(big), refusedWith('TOO_LARGE'))
    const manyHeads = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [String(i), { height: i, block }]))
    assert.throws(() => encodeStatus(status({ head: manyHeads })), refusedWith('TOO_LARGE'))
  })

  it('refuses unknown, missing and mistyped fields with INVALID_FIELD naming the field', () => {
    assert.throws(() => decodeStatus(encode({ ...status(), extra: 1 })), refusedWith('INVALID_FIELD'))
    assert.throws(() => decodeStatus(encode({ protocolVersion: 1, did: alice.did })), refusedWith('INVALID_FIELD', 'networkId'))
    assert.throws(() => decodeStatus(encode({ ...status(), networkId: net.toString() })), refusedWith('INVALID_FIELD', 'networkId'))
    assert.throws(() => decodeStatus(encode({ ...status(), protocolVersion: -1 })), refusedWith('INVALID_FIELD', 'protocolVersion'))
    assert.throws(() => decodeStatus(encode({ ...status(), did: 'did:web:example.org' })), refusedWith('INVALID_FIELD', 'did'))
    assert.throws(() => decodeStatus(encode({ ...status(), head: { '01': { height: 1, block } } })), refusedWith('INVALID_FIELD', 'head.01'))
    assert.throws(() => decodeStatus(encode({ ...status(), head: { 0: { height: 1 } } })), refusedWith('INVALID_FIELD', 'head.0.block'))
    assert.throws(() => decodeStatus(encode({ ...status(), head: { 0: { height: 1, block, round: 2 } } })), refusedWith('INVALID_FIELD', 'head.0'))
  })
})

describe('handshake rules', () => {
  const local = { networkId: net, protocolVersion: PROTOCOL_VERSION }

  it('accepts a peer of our network whose DID is its key', async () => {
    checkStatus(local, status(), await peerIdOf(alice))
  })

  it('refuses another network id with NETWORK_MISMATCH', async () => {
    const peer = await peerIdOf(alice)
    assert.throws(() => { checkStatus(local, status({ networkId: cidOf({ network: 'other' }) }), peer) }, refusedWith('NETWORK_MISMATCH'))
  })

  it('refuses another protocol version with PROTOCOL_VERSION', async () => {
    const peer = await peerIdOf(alice)
    assert.throws(() => { checkStatus(local, status({ protocolVersion: PROTOCOL_VERSION + 1 }), peer) }, refusedWith('PROTOCOL_VERSION'))
  })

  it('refuses a DID that is not the authenticated key with DID_MISMATCH', async () => {
    const peer = await peerIdOf(alice)
    assert.throws(() => { checkStatus(local, status({ did: bob.did }), peer) }, refusedWith('DID_MISMATCH'))
  })
})

