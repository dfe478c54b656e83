import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { LedgerService } from '../../src/node/index.ts'
import { encodeTx, genesisBlock, txId, type Tx } from '../../src/ledger/index.ts'
import { alice, bob, nextBlock, stranger, txOn, T0, V } from '../chain/helpers.ts'
import { genesis, ledgerApi, ledgerlessApi } from './helpers.ts'

async function setup (t: { after: (fn: () => Promise<void>) => void }, opts: { maxTxs?: number } = {}): Promise<{ app: FastifyInstance, service: LedgerService }> {
  return ledgerApi(t, opts.maxTxs !== undefined ? { maxTxs: opts.maxTxs } : {})
}

function cbor (bytes: Uint8Array): { headers: Record<string, string>, payload: Buffer } {
  return { headers: { 'content-type': 'application/cbor' }, payload: Buffer.from(bytes) }
}

function b64 (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64')
}

async function commitFromMempool (service: LedgerService): Promise<void> {
  const next = nextBlock(service.chain.ledger, service.chain.headCommit, service.candidates())
  await service.commitBlock(next.block, next.commit, next.executed)
}

test('POST /tx takes raw DAG-CBOR or JSON base64 → 202 {id}; GET /tx/:id follows it from pending to final', async (t) => {
  const { app, service } = await setup(t)
  const raw = txOn(service.chain.ledger, alice, 'transfer', { to: bob.did, amount: 5 })
  const res = await app.inject({ method: 'POST', url: '/tx', ...cbor(encodeTx(raw)) })
  assert.equal(res.statusCode, 202, res.body)
  assert.deepEqual(res.json(), { id: txId(raw).toString() })

  const viaJson = txOn(service.chain.ledger, alice, 'transfer', { to: bob.did, amount: 6 }, { nonce: 1 })
  const res2 = await app.inject({ method: 'POST', url: '/tx', payload: { tx: b64(encodeTx(viaJson)) } })
  assert.equal(res2.statusCode, 202, res2.body)
  assert.equal(res2.json().id, txId(viaJson).toString())

  const octet = txOn(service.chain.ledger, V[0], 'transfer', { to: bob.did, amount: 7 })
  const res3 = await app.inject({ method: 'POST', url: '/tx', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(encodeTx(octet)) })
  assert.equal(res3.statusCode, 202, res3.body)

  const pending = await app.inject({ method: 'GET', url: `/tx/${txId(raw).toString()}` })
  assert.equal(pending.statusCode, 200)
  assert.deepEqual(pending.json(), { status: 'pending', id: txId(raw).toString() })

  await commitFromMempool(service)
  const final = await app.inject({ method: 'GET', url: `/tx/${txId(viaJson).toString()}` })
  const body = final.json()
  assert.equal(body.status, 'final')
  assert.equal(body.height, 1)
  assert.equal(body.index, 1)
  assert.deepEqual(body.receipt, { tx: txId(viaJson).toString(), ok: true, code: null, mana: 100 })

  const unknown = txOn(service.chain.ledger, alice, 'transfer', { to: bob.did, amount: 8 })
  assert.deepEqual((await app.inject({ method: 'GET', url: `/tx/${txId(unknown).toString()}` })).json(), { status: 'unknown', id: txId(unknown).toString() })
  const bad = await app.inject({ method: 'GET', url: '/tx/not-a-cid' })
  assert.equal(bad.statusCode, 400)
  assert.equal(bad.json().error.code, 'INVALID_INPUT')
  assert.equal(bad.json().error.field, 'id')
})

test('POST /tx refusals: 400 malformed, 409 duplicate/nonce, 413 too large, 415 media type, 422 ledger rule, 503 full', async (t) => {
  const { app, service } = await setup(t, { maxTxs: 1 })
  const ledger = service.chain.ledger
  const post = async (bytes: Uint8Array) => app.inject({ method: 'POST', url: '/tx', ...cbor(bytes) })
  const error = (res: { statusCode: number, json: () => { error: { code: string, field?: string } } }) => [res.statusCode, res.json().error.code]

  assert.deepEqual(error(await post(Uint8Array.of(0xa1, 0x61))), [400, 'MALFORMED'])
  const good = txOn(ledger, alice, 'transfer', { to: bob.did, amount: 1 })
  const noPayload = await post(encodeTx({ ...good, payload: { to: bob.did } } as unknown as Tx))
  assert.deepEqual(error(noPayload), [400, 'MALFORMED'])
  assert.equal(noPayload.json().error.field, 'payload.amount', 'the field is named')
  const notBase64 = await app.inject({ method: 'POST', url: '/tx', payload: { tx: 'not base64!' } })
  assert.deepEqual([notBase64.statusCode, notBase64.json().error.code, notBase64.json().error.field], [400, 'INVALID_INPUT', 'tx'])
  const extra = await app.inject({ method: 'POST', url: '/tx', payload: { tx: b64(encodeTx(good)), more: 1 } })
  assert.deepEqual(error(extra), [400, 'INVALID_INPUT'])
  const media = await app.inject({ method: 'POST', url: '/tx', headers: { 'content-type': 'application/xml' }, payload: '<tx/>' })
  assert.deepEqual(error(media), [415, 'UNSUPPORTED_MEDIA_TYPE'])

  assert.deepEqual(error(await post(new Uint8Array(service.maxTxBytes + 1))), [413, 'TX_TOO_LARGE'])
  const huge = await app.inject({ method: 'POST', url: '/tx', payload: { tx: 'A'.repeat(2 * service.maxTxBytes) } })
  assert.deepEqual(error(huge), [413, 'PAYLOAD_TOO_LARGE'])

  assert.deepEqual(error(await post(encodeTx({ ...good, signature: new Uint8Array(64) } as Tx))), [422, 'BAD_SIGNATURE'])
  assert.deepEqual(error(await post(encodeTx(txOn(ledger, stranger, 'transfer', { to: bob.did, amount: 1 })))), [422, 'UNKNOWN_SENDER'])
  assert.deepEqual(error(await post(encodeTx(txOn(ledger, bob, 'transfer', { to: alice.did, amount: 400_000 })))), [422, 'INSUFFICIENT_MANA'])

  assert.deepEqual(error(await post(encodeTx(txOn(ledger, alice, 'transfer', { to: bob.did, amount: 1 }, { nonce: 500 })))), [409, 'NONCE_TOO_HIGH'])
  assert.equal((await post(encodeTx(good))).statusCode, 202)
  assert.deepEqual(error(await post(encodeTx(good))), [409, 'ALREADY_KNOWN'])
  // the pool (1 transaction) is full now: that refusal comes before any other rule
  assert.deepEqual(error(await post(encodeTx(txOn(ledger, V[1], 'transfer', { to: bob.did, amount: 1 })))), [503, 'MEMPOOL_FULL'])
  await commitFromMempool(service)
  assert.deepEqual(error(await post(encodeTx(good))), [409, 'ALREADY_FINAL'])
  assert.deepEqual(error(await post(encodeTx(txOn(ledger, alice, 'transfer', { to: bob.did, amount: 2 }, { nonce: 0 })))), [409, 'NONCE_TOO_LOW'])
})

test('GET /blocks/:height and /blocks/latest: header, txs with ids, receipts, commit; 404 beyond the head, 400 for a bad height', async (t) => {
  const { app, service } = await setup(t)
  const genesisRes = await app.inject({ method: 'GET', url: '/blocks/0' })
  assert.equal(genesisRes.statusCode, 200)
  const g = genesisRes.json()
  assert.equal(g.height, 0)
  assert.equal(g.cid, genesisBlock(genesis).id.toString())
  assert.equal(g.header.parent, null)
  assert.equal(g.header.network, service.chain.head.network.toString())
  assert.equal(g.header.stateRoot, b64(genesisBlock(genesis).block.header.stateRoot))
  assert.deepEqual(g.txs, [])
  assert.deepEqual(g.receipts, [])
  assert.equal('commit' in g, false, 'genesis has no commit')

  const tx = txOn(service.chain.ledger, alice, 'transfer', { to: bob.did, amount: 9 })
  await service.submit(encodeTx(tx))
  await commitFromMempool(service)
  for (const url of ['/blocks/1', '/blocks/latest']) {
    const res = await app.inject({ method: 'GET', url })
    assert.equal(res.statusCode, 200, url)
    const b = res.json()
    assert.equal(b.height, 1)
    assert.equal(b.cid, service.chain.headCid.toString())
    assert.equal(b.header.parent, g.cid)
    assert.equal(b.header.lastCommit, null)
    assert.equal(b.txs.length, 1)
    assert.equal(b.txs[0].id, txId(tx).toString())
    assert.equal(b.txs[0].type, 'transfer')
    assert.deepEqual(b.txs[0].payload, { to: bob.did, amount: 9 })
    assert.equal(b.txs[0].signature, b64(tx.signature))
    assert.deepEqual(b.receipts, [{ tx: txId(tx).toString(), ok: true, code: null, mana: 100 }])
    assert.equal(b.commit.block, b.cid)
    assert.equal(b.commit.signatures.length, 4)
  }
  const beyond = await app.inject({ method: 'GET', url: '/blocks/2' })
  assert.deepEqual([beyond.statusCode, beyond.json().error.code], [404, 'NOT_FOUND'])
  for (const h of ['abc', '-1', '1.5', '99999999999999999999']) {
    const res = await app.inject({ method: 'GET', url: `/blocks/${h}` })
    assert.deepEqual([res.statusCode, res.json().error.code, res.json().error.field], [400, 'INVALID_INPUT', 'height'], h)
  }
})

test('GET /accounts, /members, /reputation: 200 as of the head, 404 unknown, 400 malformed DID', async (t) => {
  const { app, service } = await setup(t)
  await service.submit(encodeTx(txOn(service.chain.ledger, alice, 'transfer', { to: bob.did, amount: 1 })))
  const account = await app.inject({ method: 'GET', url: `/accounts/${alice.did}` })
  assert.equal(account.statusCode, 200)
  const a = account.json()
  assert.equal(a.did, alice.did)
  assert.equal(a.balance, 100_000)
  assert.equal(a.nonce, 0)
  assert.equal(a.nextNonce, 1)
  assert.equal(a.mana, a.manaCapacity)
  assert.equal(a.height, 0)

  const member = (await app.inject({ method: 'GET', url: `/members/${bob.did}` })).json()
  assert.equal(member.did, bob.did)
  assert.equal(member.profile.name, 'bob')
  assert.equal(member.cooperative, 'bakery')
  assert.equal(member.validator.candidate, false)

  const rep = (await app.inject({ method: 'GET', url: `/reputation/${V[2].did}` })).json()
  assert.equal(rep.categories.validation, 200_000)
  assert.equal(rep.categories.innovation, 0)
  assert.equal(rep.total, 213_000)

  for (const route of ['accounts', 'members', 'reputation']) {
    const missing = await app.inject({ method: 'GET', url: `/${route}/${stranger.did}` })
    assert.deepEqual([missing.statusCode, missing.json().error.code], [404, 'NOT_FOUND'], route)
    const bad = await app.inject({ method: 'GET', url: `/${route}/did:key:nope` })
    assert.deepEqual([bad.statusCode, bad.json().error.code, bad.json().error.field], [400, 'INVALID_INPUT', 'did'], route)
  }
})

test('without a ledger the ledger routes answer 503 UNAVAILABLE', async () => {
  const app = await ledgerlessApi()
  for (const [method, url] of [['GET', `/accounts/${alice.did}`], ['GET', '/blocks/0'], ['POST', '/tx']] as const) {
    const res = await app.inject({ method, url, ...(method === 'POST' ? cbor(new Uint8Array([1])) : {}) })
    assert.deepEqual([res.statusCode, res.json().error.code], [503, 'UNAVAILABLE'], url)
  }
  await app.close()
})
