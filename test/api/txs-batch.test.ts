/** `POST /txs`: a batch of transactions in one request, each admitted as `POST /tx` would, in order. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { MAX_BATCH_TXS } from '../../src/api/index.ts'
import { encode } from '../../src/codec/index.ts'
import { encodeTx, txId, type Tx } from '../../src/ledger/index.ts'
import { alice, bob, txOn, T0, V } from '../chain/helpers.ts'
import { ledgerApi, ledgerlessApi } from './helpers.ts'

const setup = ledgerApi

async function postCbor (app: FastifyInstance, body: Uint8Array): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/txs', headers: { 'content-type': 'application/cbor' }, payload: Buffer.from(body) })
}

function b64 (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64')
}

interface Result { id?: string, status?: number, error?: { code: string, field?: string } }

/** `id` for an admitted transaction, `status code` for a refused one. */
function outcome (r: Result): string {
  return r.id ?? `${r.status ?? '?'} ${r.error?.code ?? '?'}`
}

test('POST /txs (CBOR): per-transaction results in order, a refusal does not stop the rest; the admitted are pending', async (t) => {
  // a nonce gap of 0: alice's nonces are admitted only if the route submits them in array order
  const { app, service } = await setup(t, { maxNonceGap: 0 })
  const ledger = service.chain.ledger
  const a0 = txOn(ledger, alice, 'transfer', { to: bob.did, amount: 1 }, { nonce: 0 })
  const a1 = txOn(ledger, alice, 'transfer', { to: bob.did, amount: 2 }, { nonce: 1 })
  const a2 = txOn(ledger, alice, 'transfer', { to: bob.did, amount: 3 }, { nonce: 2 })
  const badSig = { ...txOn(ledger, V[0], 'transfer', { to: bob.did, amount: 4 }), signature: new Uint8Array(64) } as Tx
  const tooHigh = txOn(ledger, V[1], 'transfer', { to: bob.did, amount: 5 }, { nonce: 7 })
  const b0 = txOn(ledger, bob, 'transfer', { to: alice.did, amount: 6 })
  const batch = [a0, badSig, a1, a0, tooHigh, a2, b0]

  const res = await postCbor(app, encode(batch.map(encodeTx)))
  assert.equal(res.statusCode, 200, res.body)
  const results = res.json().results as Result[]
  assert.deepEqual(results.map(outcome), [
    txId(a0).toString(), '422 BAD_SIGNATURE', txId(a1).toString(), '409 ALREADY_KNOWN', '409 NONCE_TOO_HIGH', txId(a2).toString(), txId(b0).toString()
  ])
  assert.equal(typeof (results[1]?.error as { message?: unknown }).message, 'string', 'refusals carry a message')
  for (const tx of [a0, a1, a2, b0]) {
    const status = await app.inject({ method: 'GET', url: `/tx/${txId(tx).toString()}` })
    assert.equal(status.json().status, 'pending', txId(tx).toString())
  }
  assert.equal(service.mempool.size, 4)
})

test('POST /txs (JSON): {"txs": [base64…]} gives the same per-transaction results; a bad element is named', async (t) => {
  const { app, service } = await setup(t)
  const ledger = service.chain.ledger
  const a0 = txOn(ledger, alice, 'transfer', { to: bob.did, amount: 1 })
  const b0 = txOn(ledger, bob, 'transfer', { to: alice.did, amount: 1 })
  const res = await app.inject({ method: 'POST', url: '/txs', payload: { txs: [b64(encodeTx(a0)), b64(encodeTx(b0)), b64(Uint8Array.of(0xa1, 0x61))] } })
  assert.equal(res.statusCode, 200, res.body)
  const results = res.json().results as Result[]
  assert.deepEqual(results.map(outcome), [txId(a0).toString(), txId(b0).toString(), '400 MALFORMED'])

  const notBase64 = await app.inject({ method: 'POST', url: '/txs', payload: { txs: [b64(encodeTx(a0)), 'not base64!'] } })
  assert.deepEqual([notBase64.statusCode, notBase64.json().error.code, notBase64.json().error.field], [400, 'INVALID_INPUT', 'txs.1'])
  const notString = await app.inject({ method: 'POST', url: '/txs', payload: { txs: [7] } })
  assert.deepEqual([notString.statusCode, notString.json().error.code, notString.json().error.field], [400, 'INVALID_INPUT', 'txs.0'])
  const notArray = await app.inject({ method: 'POST', url: '/txs', payload: { txs: 'x' } })
  assert.deepEqual([notArray.statusCode, notArray.json().error.code, notArray.json().error.field], [400, 'INVALID_INPUT', 'txs'])
  const extra = await app.inject({ method: 'POST', url: '/txs', payload: { txs: [b64(encodeTx(a0))], more: 1 } })
  assert.deepEqual([extra.statusCode, extra.json().error.code], [400, 'INVALID_INPUT'])
  const empty = await app.inject({ method: 'POST', url: '/txs', payload: { txs: [] } })
  assert.deepEqual([empty.statusCode, empty.json().error.code, empty.json().error.field], [400, 'INVALID_INPUT', 'txs'])
})

test('POST /txs refuses the whole request: not an array, an element not bytes, empty, non-canonical → 400; too many → 413', async (t) => {
  const { app, service } = await setup(t)
  const tx = encodeTx(txOn(service.chain.ledger, alice, 'transfer', { to: bob.did, amount: 1 }))
  const error = (res: { statusCode: number, json: () => { error: { code: string, field?: string } } }): [number, string, string | undefined] =>
    [res.statusCode, res.json().error.code, res.json().error.field]

  assert.deepEqual(error(await postCbor(app, encode({ txs: [tx] }))), [400, 'INVALID_INPUT', 'txs'], 'a map, not an array')
  assert.deepEqual(error(await postCbor(app, tx)), [400, 'INVALID_INPUT', 'txs'], 'one transaction, not an array of them')
  assert.deepEqual(error(await postCbor(app, encode([tx, tx, tx, 'text']))), [400, 'INVALID_INPUT', 'txs.3'])
  assert.deepEqual(error(await postCbor(app, encode([tx, [tx]]))), [400, 'INVALID_INPUT', 'txs.1'])
  assert.deepEqual(error(await postCbor(app, encode([]))), [400, 'INVALID_INPUT', 'txs'])
  // a one-element array whose length is written in two bytes (0x98 0x01) where one (0x81) is canonical
  const longForm = Uint8Array.from([0x98, 0x01, ...encode(tx)])
  assert.deepEqual(error(await postCbor(app, longForm)).slice(0, 2), [400, 'INVALID_INPUT'])
  assert.deepEqual(error(await postCbor(app, Uint8Array.of(0x81, 0x5f))).slice(0, 2), [400, 'INVALID_INPUT'], 'truncated')

  const tooMany = Array.from({ length: MAX_BATCH_TXS + 1 }, () => Uint8Array.of(0))
  assert.deepEqual(error(await postCbor(app, encode(tooMany))), [413, 'PAYLOAD_TOO_LARGE', 'txs'])
  const tooManyJson = await app.inject({ method: 'POST', url: '/txs', payload: { txs: tooMany.map(b64) } })
  assert.deepEqual(error(tooManyJson), [413, 'PAYLOAD_TOO_LARGE', 'txs'])
  const huge = await postCbor(app, encode([new Uint8Array(9 * 1024 * 1024)]))
  assert.deepEqual(error(huge).slice(0, 2), [413, 'PAYLOAD_TOO_LARGE'], 'a body over the batch limit')
  assert.equal(service.mempool.size, 0, 'nothing of a refused request was admitted')

  const full = await postCbor(app, encode(Array.from({ length: MAX_BATCH_TXS }, () => tx)))
  assert.equal(full.statusCode, 200, 'MAX_BATCH_TXS is allowed')
  const results = full.json().results as Result[]
  assert.equal(results.length, MAX_BATCH_TXS)
  assert.equal(results.filter((r) => r.error?.code === 'ALREADY_KNOWN').length, MAX_BATCH_TXS - 1)
})

test('POST /txs without an open ledger answers 503 UNAVAILABLE', async () => {
  const app = await ledgerlessApi()
  const res = await postCbor(app, encode([Uint8Array.of(1)]))
  assert.deepEqual([res.statusCode, res.json().error.code], [503, 'UNAVAILABLE'])
  await app.close()
})
