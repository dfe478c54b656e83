/** Topic `tx`: validateTx — strict decoding, known transactions, and checkTx's verdicts. */
import { describe, it, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { encode } from '../../../src/codec/index.ts'
import { buildTx, encodeTx, txId, shardOf, type Tx } from '../../../src/ledger/index.ts'
import { validateTx, GossipValidationError } from '../../../src/network/topics/index.ts'
import { TestChain, alice, bob, stranger } from '../../ledger/helpers.ts'
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

describe('tx topic validation', () => {
  let tc: TestChain
  let context: TestContext

  beforeEach(() => {
    tc = new TestChain()
    context = chainContext(tc)
  })

  const check = (data: Uint8Array, ctx: TestContext = context): string => outcome(() => validateTx(data, { context: ctx }))
  const transfer = (opts: { nonce?: number, timestamp?: number } = {}): Tx => tc.tx(alice, 'transfer', { to: bob.did, amount: 10 }, opts)

  it('accepts an admissible transaction and returns it decoded', () => {
    const tx = transfer()
    const accepted = validateTx(encodeTx(tx), { context })
    assert.ok(txId(accepted).equals(txId(tx)))
  })

  it('ignores a transaction already pending or final', () => {
    const tx = transfer()
    context.knownTxs.add(txId(tx).toString())
    assert.equal(check(encodeTx(tx)), 'ignore:KNOWN')
  })

  it('rejects oversize and malformed transactions', () => {
    const bytes = encodeTx(transfer())
    assert.equal(check(bytes, chainContext(tc, { maxTxBytes: bytes.byteLength - 1 })), 'reject:TOO_LARGE')
    assert.equal(check(new Uint8Array([0xff])), 'reject:MALFORMED')
    assert.equal(check(encode({ hello: 'world' })), 'reject:MALFORMED')
  })

  it('rejects what checkTx finds invalid for everyone: signature, network, shard', () => {
    assert.equal(check(encodeTx(tampered(transfer()))), 'reject:BAD_SIGNATURE')
    const foreign = buildTx(alice, { type: 'transfer', payload: { to: bob.did, amount: 10 }, nonce: 0, network: ELSEWHERE, timestamp: tc.time })
    assert.equal(check(encodeTx(foreign as Tx)), 'reject:WRONG_NETWORK')
    const shards = [2, 3, 4, 5, 6, 7, 8].find((s) => shardOf(alice.did, s) !== 0)
    assert.ok(shards !== undefined)
    const elsewhere = buildTx(alice, { type: 'transfer', payload: { to: bob.did, amount: 10 }, nonce: 0, network: tc.network, timestamp: tc.time, shards })
    assert.equal(check(encodeTx(elsewhere as Tx)), 'reject:WRONG_SHARD')
  })

  it('ignores what depends on state or clocks: used nonce, unknown sender, expired timestamp', () => {
    const first = transfer()
    tc.next([first])
    assert.equal(check(encodeTx(first)), 'ignore:TX_INADMISSIBLE:NONCE_TOO_LOW')
    const unknown = tc.tx(stranger, 'transfer', { to: bob.did, amount: 1 })
    assert.equal(check(encodeTx(unknown)), 'ignore:TX_INADMISSIBLE:UNKNOWN_SENDER')
    const old = transfer({ timestamp: tc.time - 2 * 24 * 3600_000 })
    assert.equal(check(encodeTx(old)), 'ignore:TX_INADMISSIBLE:TX_EXPIRED')
  })
})
