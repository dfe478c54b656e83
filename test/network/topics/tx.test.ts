/** Topic `tx`: validateTxBatch — the batch's framing, then each transaction as admission judges it. */
import { describe, it, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { encode } from '../../../src/codec/index.ts'
import { buildTx, encodeTx, txId, shardOf, type Tx } from '../../../src/ledger/index.ts'
import {
  validateTxBatch, encodeTxBatch, txBatchMaxBytes, GossipValidationError, TX_BATCH_MAX_TXS
} from '../../../src/network/topics/index.ts'
import { TestChain, alice, bob, carol, stranger } from '../../ledger/helpers.ts'
import { chainContext, tampered, ELSEWHERE, type TestContext } from './fixtures.ts'

function outcome (fn: () => unknown): string {
  try {
    fn()
    return 'accept'
  } catch (err) {
    if (err instanceof GossipValidationError) return `${err.action}:${err.code}${err.detail !== '' && err.code.startsWith('TX_') ? `:${err.detail}` : ''}`
    throw err
  }
}

describe('tx topic validation (batches)', () => {
  let tc: TestChain
  let context: TestContext

  beforeEach(() => {
    tc = new TestChain()
    context = chainContext(tc)
  })

  const check = (data: Uint8Array, ctx: TestContext = context): string => outcome(() => validateTxBatch(data, { context: ctx }))
  const batch = (...txs: Tx[]): Uint8Array => encodeTxBatch(txs.map(encodeTx))
  const transfer = (opts: { nonce?: number, timestamp?: number } = {}): Tx => tc.tx(alice, 'transfer', { to: bob.did, amount: 10 }, opts)

  it('accepts a batch and returns its transactions decoded, in order, with their exact bytes', () => {
    const txs = [transfer({ nonce: 0 }), transfer({ nonce: 1 }), tc.tx(bob, 'transfer', { to: alice.did, amount: 1 })]
    const accepted = validateTxBatch(batch(...txs), { context })
    assert.deepEqual(accepted.map((a) => txId(a.tx).toString()), txs.map((t) => txId(t).toString()))
    for (const [i, a] of accepted.entries()) assert.deepEqual(a.bytes, encodeTx(txs[i]!))
  })

  it('skips transactions already pending or final, and ignores a batch of nothing new', () => {
    const [known, fresh] = [transfer({ nonce: 0 }), transfer({ nonce: 1 })]
    context.knownTxs.add(txId(known).toString())
    assert.deepEqual(validateTxBatch(batch(known, fresh), { context }).map((a) => a.tx.nonce), [1])
    context.knownTxs.add(txId(fresh).toString())
    assert.equal(check(batch(known, fresh)), 'ignore:KNOWN')
  })

  it('skips state-dependent failures but accepts the rest; ignores a batch with nothing admissible', () => {
    const first = transfer()
    tc.next([first])
    const unknown = tc.tx(stranger, 'transfer', { to: bob.did, amount: 1 })
    const good = tc.tx(carol, 'transfer', { to: bob.did, amount: 1 })
    assert.deepEqual(validateTxBatch(batch(first, unknown, good), { context }).map((a) => a.tx.from), [carol.did])
    assert.equal(check(batch(first, unknown)), 'ignore:TX_INADMISSIBLE:NONCE_TOO_LOW', 'the first failure is the detail')
    const old = transfer({ nonce: 1, timestamp: tc.time - 2 * 24 * 3600_000 })
    assert.equal(check(batch(old)), 'ignore:TX_INADMISSIBLE:TX_EXPIRED')
  })

  it('skips what a full mempool could not take, before checking signatures', () => {
    const full = chainContext(tc, { mempoolClosed: () => true })
    // a forged signature is not even looked at: the pool is full, so nothing is verified
    assert.equal(check(batch(tampered(transfer())), full), 'ignore:TX_INADMISSIBLE:MEMPOOL_FULL')
  })

  it('rejects the whole batch when any transaction is invalid for everyone: signature, network, shard', () => {
    const good = transfer()
    assert.equal(check(batch(good, tampered(transfer({ nonce: 1 })))), 'reject:BAD_SIGNATURE')
    const foreign = buildTx(alice, { type: 'transfer', payload: { to: bob.did, amount: 10 }, nonce: 0, network: ELSEWHERE, timestamp: tc.time })
    assert.equal(check(batch(foreign as Tx, good)), 'reject:WRONG_NETWORK')
    const shards = [2, 3, 4, 5, 6, 7, 8].find((s) => shardOf(alice.did, s) !== 0)
    assert.ok(shards !== undefined)
    const elsewhere = buildTx(alice, { type: 'transfer', payload: { to: bob.did, amount: 10 }, nonce: 0, network: tc.network, timestamp: tc.time, shards })
    assert.equal(check(batch(good, elsewhere as Tx)), 'reject:WRONG_SHARD')
  })

  it('rejects malformed framing: not an array, empty, too many, an element not bytes, a repeated transaction', () => {
    const one = encodeTx(transfer())
    assert.equal(check(new Uint8Array([0xff])), 'reject:MALFORMED')
    assert.equal(check(encode({ hello: 'world' })), 'reject:MALFORMED')
    assert.equal(check(encode([])), 'reject:MALFORMED')
    assert.equal(check(encode([one, 'text'])), 'reject:MALFORMED')
    assert.equal(check(encode([one, one])), 'reject:MALFORMED')
    assert.equal(check(encode(Array.from({ length: TX_BATCH_MAX_TXS + 1 }, (_, i) => encodeTx(transfer({ nonce: i }))))), 'reject:MALFORMED')
    assert.equal(check(encode([encode({ hello: 'world' })])), 'reject:MALFORMED', 'an element that is no transaction')
  })

  it('rejects oversize: the batch above its cap, or one transaction above maxTxBytes', () => {
    const bytes = encodeTx(transfer())
    assert.equal(check(encodeTxBatch([bytes]), chainContext(tc, { maxTxBytes: bytes.byteLength - 1 })), 'reject:TOO_LARGE')
    const cap = txBatchMaxBytes(context.maxTxBytes)
    assert.equal(check(encode([new Uint8Array(cap)])), 'reject:TOO_LARGE')
  })
})
