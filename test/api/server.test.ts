import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Registry, Gauge } from 'prom-client'
import { createApiApp, createApiServer, ApiError, ROUTES, type ApiNode, type ApiRoute } from '../../src/api/index.ts'
import { CodecError } from '../../src/codec/index.ts'
import { createLogger } from '../../src/log/index.ts'

/** A node as the API sees it, built from plain values. */
function fixedNode (peers: object[] = []): ApiNode {
  const metrics = new Registry()
  const gauge = new Gauge({ name: 'icn_peers', help: 'connected peers', registers: [metrics] })
  gauge.set(peers.length)
  return {
    status: () => ({ networkId: 'bafyfixed', peerId: '12D3KooWfixed', did: 'did:key:z6Mkfixed', peers: peers.length, listenAddrs: [], version: '0.1.0', uptimeMs: 5 }),
    peers: () => peers,
    metrics
  }
}

test('GET /status serves the node status object as is', async () => {
  const app = await createApiApp({ node: fixedNode([{ peerId: 'a' }]) })
  const res = await app.inject({ method: 'GET', url: '/status' })
  assert.equal(res.statusCode, 200)
  assert.match(String(res.headers['content-type']), /application\/json/)
  assert.deepEqual(res.json(), { networkId: 'bafyfixed', peerId: '12D3KooWfixed', did: 'did:key:z6Mkfixed', peers: 1, listenAddrs: [], version: '0.1.0', uptimeMs: 5 })
  await app.close()
})

test('GET /peers lists peers under `peers`', async () => {
  const peer = { peerId: '12D3KooWpeer', did: null, addrs: ['/ip4/127.0.0.1/tcp/1'], direction: 'inbound', verified: false }
  const app = await createApiApp({ node: fixedNode([peer]) })
  const res = await app.inject({ method: 'GET', url: '/peers' })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { peers: [peer] })
  await app.close()
})

test('GET /metrics is Prometheus text with the node registry', async () => {
  const app = await createApiApp({ node: fixedNode([{}, {}]) })
  const res = await app.inject({ method: 'GET', url: '/metrics' })
  assert.equal(res.statusCode, 200)
  assert.match(String(res.headers['content-type']), /text\/plain/)
  assert.match(res.body, /^icn_peers 2$/m)
  await app.close()
})

test('an unknown route is a 404 in the error shape', async () => {
  const app = await createApiApp({ node: fixedNode() })
  const res = await app.inject({ method: 'GET', url: '/nope?x=1' })
  assert.equal(res.statusCode, 404)
  assert.deepEqual(res.json(), { error: { code: 'NOT_FOUND', message: 'no route GET /nope' } })
  await app.close()
})

/** Routes a later feature might add, to exercise the error mapping on input. */
const echo: ApiRoute = (app) => {
  app.post('/echo', { schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } }, async (request) => request.body)
  app.get('/thing/:id', async (request) => {
    const { id } = request.params as { id: string }
    if (id === 'bad') throw new CodecError('SCHEMA', 'id', 'must be a CID')
    throw new ApiError(404, 'NOT_FOUND', `no thing ${id}`)
  })
  app.get('/boom', async () => { throw new Error('secret detail at /home/x') })
}

test('bad input is a 400: malformed JSON, a failed schema, a strict-decoding error naming the field', async () => {
  const lines: string[] = []
  const app = await createApiApp({ node: fixedNode(), routes: [...ROUTES, echo], logger: createLogger({ destination: { write: (s) => lines.push(s) } }) })
  const badJson = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"n":' })
  assert.equal(badJson.statusCode, 400)
  assert.equal(badJson.json().error.code, 'BAD_REQUEST')
  const badSchema = await app.inject({ method: 'POST', url: '/echo', payload: { n: 'one' } })
  assert.equal(badSchema.statusCode, 400)
  assert.equal(badSchema.json().error.code, 'BAD_REQUEST')
  assert.match(badSchema.json().error.message, /n/)
  const ok = await app.inject({ method: 'POST', url: '/echo', payload: { n: 1 } })
  assert.deepEqual(ok.json(), { n: 1 })
  const codec = await app.inject({ method: 'GET', url: '/thing/bad' })
  assert.equal(codec.statusCode, 400)
  assert.deepEqual(codec.json().error, { code: 'INVALID_INPUT', message: 'id: must be a CID', field: 'id' })
  const missing = await app.inject({ method: 'GET', url: '/thing/x' })
  assert.equal(missing.statusCode, 404)
  assert.equal(missing.json().error.code, 'NOT_FOUND')
  const tooBig = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: `{"n":1,"pad":"${'x'.repeat(1024 * 1024)}"}` })
  assert.equal(tooBig.statusCode, 413)
  assert.equal(tooBig.json().error.code, 'PAYLOAD_TOO_LARGE')
  assert.equal(lines.length, 0, 'client errors are not logged as failures')
  await app.close()
})

test('an internal error is a 500 without details or stack; the log has them', async () => {
  const lines: string[] = []
  const app = await createApiApp({ node: fixedNode(), routes: [echo], logger: createLogger({ destination: { write: (s) => lines.push(s) } }) })
  const res = await app.inject({ method: 'GET', url: '/boom' })
  assert.equal(res.statusCode, 500)
  assert.deepEqual(res.json(), { error: { code: 'INTERNAL', message: 'internal error' } })
  assert.doesNotMatch(res.body, /secret|at /)
  assert.ok(lines.some((l) => l.includes('secret detail')), 'the cause is logged')
  await app.close()
})

test('createApiServer listens on a free port over real HTTP, and close() frees it', async () => {
  const server = await createApiServer({ node: fixedNode(), host: '127.0.0.1', port: 0 })
  assert.ok(server.port > 0)
  assert.equal(server.url, `http://127.0.0.1:${server.port}`)
  const res = await fetch(`${server.url}/status`)
  assert.equal(res.status, 200)
  assert.equal(((await res.json()) as { did: string }).did, 'did:key:z6Mkfixed')
  await server.close()
  await server.close()
  await assert.rejects(fetch(`${server.url}/status`))
})

test('a port in use fails createApiServer with EADDRINUSE and leaves nothing open', async () => {
  const first = await createApiServer({ node: fixedNode(), host: '127.0.0.1', port: 0 })
  await assert.rejects(createApiServer({ node: fixedNode(), host: '127.0.0.1', port: first.port }), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE')
  await first.close()
})
