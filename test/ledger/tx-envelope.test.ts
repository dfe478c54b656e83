import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encode, decode, cidOf } from '../../src/codec/index.ts'
import { Domain } from '../../src/identity/index.ts'
import {
  buildTx, decodeTx, encodeTx, txId, txBody, txSigningPayload, checkTx, parseTx, TxError, getChain,
  DEFAULT_MAX_TX_BYTES, type Tx
} from '../../src/ledger/index.ts'
import { TestChain, alice, bob, stranger, testGenesis, T0 } from './helpers.ts'

function rejects (fn: () => unknown, code: string, field?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TxError, `expected TxError, got ${String(err)}`)
    assert.equal(err.code, code, err.message)
    if (field !== undefined) assert.equal(err.field, field)
    return true
  })
}

test('encode → decode keeps the transaction and its CID', () => {
  const tc = new TestChain()
  const tx = tc.tx(alice, 'record_contribution', { description: 'Fixed the oven', impact_story: 'Bread again', context: 'bakery', tags: ['repair'] })
  const bytes = encodeTx(tx)
  const back = decodeTx(bytes)
  assert.deepEqual({ ...back, network: back.network.toString() }, { ...tx, network: tx.network.toString() })
  assert.deepEqual(encode(back), bytes)
  assert.equal(txId(back).toString(), txId(tx).toString())
  assert.equal(txId(tx).toString(), cidOf(tx).toString())
  // A fresh (uncached) re-encoding gives the same bytes.
  assert.deepEqual(encode(decode(bytes)), bytes)
})

test('the signature covers the envelope without the signature, in the transaction domain', () => {
  const tc = new TestChain()
  const tx = tc.tx(alice, 'transfer', { to: bob.did, amount: 5 })
  const expected = alice.sign(Domain.Transaction, txSigningPayload(txBody(tx)))
  assert.deepEqual(tx.signature, expected)
  // The same bytes signed as a vote are a different signature.
  assert.notDeepEqual(alice.sign(Domain.Vote, txSigningPayload(txBody(tx))), tx.signature)
})

test('a forged signature is refused as BAD_SIGNATURE', () => {
  const tc = new TestChain()
  const tx = tc.tx(alice, 'transfer', { to: bob.did, amount: 5 })
  // Bob signs a transaction claiming to be from alice.
  const forged = parseTx({ ...tx, signature: bob.sign(Domain.Transaction, txSigningPayload(txBody(tx))) })
  rejects(() => checkTx(tc.chain.state, forged, { blockTime: tc.time }), 'BAD_SIGNATURE', 'signature')
  // A tampered amount under alice's genuine signature fails too.
  const tampered = parseTx({ ...tx, payload: { to: bob.did, amount: 5000 } })
  rejects(() => checkTx(tc.chain.state, tampered, { blockTime: tc.time }), 'BAD_SIGNATURE')
  assert.equal(checkTx(tc.chain.state, tx, { blockTime: tc.time }).cost, 100)
})

test('a transaction for another network is refused as WRONG_NETWORK', () => {
  const tc = new TestChain()
  const other = new TestChain(testGenesis({ network: 'another-net' }))
  const tx = other.tx(alice, 'transfer', { to: bob.did, amount: 5 })
  rejects(() => checkTx(tc.chain.state, tx, { blockTime: tc.time }), 'WRONG_NETWORK', 'network')
})

test('an oversize payload is refused as PAYLOAD_TOO_LARGE', () => {
  const tc = new TestChain(testGenesis({ economics: { maxTxPayloadBytes: 2048 } }))
  const ok = tc.tx(alice, 'record_contribution', { description: 'x'.repeat(1000), impact_story: 'y', context: 'c', tags: ['t'] })
  checkTx(tc.chain.state, ok, { blockTime: tc.time })
  const big = tc.tx(alice, 'record_contribution', { description: 'x'.repeat(3000), impact_story: 'y', context: 'c', tags: ['t'] })
  rejects(() => checkTx(tc.chain.state, big, { blockTime: tc.time }), 'PAYLOAD_TOO_LARGE', 'payload')
})

test('decoding refuses oversize input, unknown fields, bad types and unknown types, naming the field', () => {
  const tc = new TestChain()
  const tx = tc.tx(alice, 'transfer', { to: bob.did, amount: 5 })
  rejects(() => decodeTx(new Uint8Array(DEFAULT_MAX_TX_BYTES + 1)), 'TX_TOO_LARGE')
  rejects(() => decodeTx(encodeTx(tx), 10), 'TX_TOO_LARGE')
  rejects(() => decodeTx(encode({ ...tx, extra: 1 })), 'MALFORMED')
  rejects(() => decodeTx(encode({ ...tx, payload: { to: bob.did, amount: 5, memo: 'hi' } })), 'MALFORMED', 'payload')
  rejects(() => decodeTx(encode({ ...tx, payload: { to: bob.did, amount: 0 } })), 'MALFORMED', 'payload.amount')
  rejects(() => decodeTx(encode({ ...tx, payload: { to: 'did:web:example.org', amount: 5 } })), 'MALFORMED', 'payload.to')
  rejects(() => decodeTx(encode({ ...tx, type: 'mint' })), 'MALFORMED', 'type')
  rejects(() => decodeTx(encode({ ...tx, priority: 6 })), 'MALFORMED', 'priority')
  rejects(() => decodeTx(encode({ ...tx, signature: new Uint8Array(10) })), 'MALFORMED', 'signature')
  rejects(() => decodeTx(Uint8Array.of(0xff, 0x00)), 'MALFORMED')
})

test('buildTx checks payloads and envelopes before signing', () => {
  const tc = new TestChain()
  rejects(() => buildTx(alice, { type: 'transfer', payload: { to: bob.did, amount: -1 }, nonce: 0, network: tc.network, timestamp: T0 }), 'MALFORMED', 'payload.amount')
  rejects(() => buildTx(alice, { type: 'record_contribution', payload: { description: 'd', impact_story: 'i', context: 'c', tags: [] }, nonce: 0, network: tc.network, timestamp: T0 }), 'MALFORMED', 'payload.tags')
  rejects(() => buildTx(alice, { type: 'transfer', payload: { to: bob.did, amount: 1 }, nonce: -1, network: tc.network, timestamp: T0 }), 'MALFORMED', 'nonce')
  rejects(() => buildTx(alice, { type: 'transfer', payload: { to: bob.did, amount: 1 }, nonce: 0, network: tc.network, timestamp: T0, priority: 9 }), 'MALFORMED', 'priority')
})

test('checkTx: replayed nonce, future nonce, unknown sender, timestamp window', () => {
  const tc = new TestChain()
  const first = tc.tx(alice, 'transfer', { to: bob.did, amount: 5 })
  tc.next([first])
  const state = tc.chain.state
  const time = getChain(state).time
  rejects(() => checkTx(state, first, { blockTime: time }), 'NONCE_TOO_LOW', 'nonce')
  // Nonce 5 while the account is at 1: queueable for the mempool.
  const future = tc.tx(alice, 'transfer', { to: bob.did, amount: 5 }, { nonce: 5 })
  assert.equal(checkTx(state, future, { blockTime: time }).account.nonce, 1)
  const fromStranger = tc.tx(stranger, 'transfer', { to: bob.did, amount: 1 })
  rejects(() => checkTx(state, fromStranger, { blockTime: time }), 'UNKNOWN_SENDER', 'from')
  const old = tc.tx(alice, 'transfer', { to: bob.did, amount: 5 }, { nonce: 1, timestamp: time - 86_400_001 })
  rejects(() => checkTx(state, old, { blockTime: time }), 'TX_EXPIRED', 'timestamp')
  const early = tc.tx(alice, 'transfer', { to: bob.did, amount: 5 }, { nonce: 1, timestamp: time + 300_001 })
  rejects(() => checkTx(state, early, { blockTime: time }), 'TX_FROM_FUTURE', 'timestamp')
})

test('a transaction claiming the wrong shard is refused', () => {
  const tc = new TestChain()
  const tx = tc.tx(alice, 'transfer', { to: bob.did, amount: 5 })
  const resigned = parseTx({ ...txBody(tx), shard: 1, signature: new Uint8Array(64) }) as Tx
  rejects(() => checkTx(tc.chain.state, resigned, { blockTime: tc.time }), 'WRONG_SHARD', 'shard')
})

test('errors carry a gossip action: provably bad transactions are rejected, races ignored', () => {
  assert.equal(new TxError('BAD_SIGNATURE', 'signature', 'x').action, 'reject')
  assert.equal(new TxError('WRONG_NETWORK', 'network', 'x').action, 'reject')
  assert.equal(new TxError('NONCE_TOO_LOW', 'nonce', 'x').action, 'ignore')
  assert.equal(new TxError('INSUFFICIENT_MANA', 'from', 'x').action, 'ignore')
})
