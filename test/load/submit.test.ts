/** The submitter against a small local HTTP server standing in for node APIs (OS-assigned ports). */
import { describe, test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Submitter, classifyAnswer, type PlannedTx } from '../../src/load/index.ts'

describe('classifying a node\'s answer', () => {
  test('202 and "already have it" are accepted; push-back is retried; the rest is refused', () => {
    assert.equal(classifyAnswer(202, undefined), 'accepted')
    assert.equal(classifyAnswer(409, 'ALREADY_KNOWN'), 'accepted')
    assert.equal(classifyAnswer(409, 'ALREADY_FINAL'), 'accepted')
    assert.equal(classifyAnswer(503, 'MEMPOOL_FULL'), 'retry')
    assert.equal(classifyAnswer(429, 'SENDER_QUEUE_FULL'), 'retry')
    assert.equal(classifyAnswer(409, 'NONCE_TOO_HIGH'), 'retry')
    assert.equal(classifyAnswer(503, undefined), 'retry')
    assert.equal(classifyAnswer(409, 'NONCE_TOO_LOW'), 'refused')
    assert.equal(classifyAnswer(422, 'BAD_SIGNATURE'), 'refused')
    assert.equal(classifyAnswer(400, 'MALFORMED'), 'refused')
  })
})

interface FakeNode { url: string, server: Server, bodies: string[] }

/** Answers each body by `answer(body, attempt)`, attempt counting from 1 per distinct body. */
async function fakeNode (answer: (body: string, attempt: number) => { status: number, code?: string }): Promise<FakeNode> {
  const attempts = new Map<string, number>()
  const bodies: string[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      bodies.push(body)
      const n = (attempts.get(body) ?? 0) + 1
      attempts.set(body, n)
      const { status, code } = answer(body, n)
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(status === 202 ? { id: body } : { error: { code, message: code } }))
    })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, bodies }
}

function planned (i: number, target: number): PlannedTx {
  return { index: i, account: 0, target, nonce: i, timestamp: i, id: `tx${i}`, bytes: new TextEncoder().encode(`tx${i}`) }
}

describe('submitter', () => {
  const servers: Server[] = []
  after(() => { for (const s of servers) s.close() })

  test('a pushed-back transfer is sent again until accepted; refusals are final and carry the code', async () => {
    const a = await fakeNode((body, attempt) => body === 'tx4' ? { status: 422, code: 'BAD_SIGNATURE' } : attempt === 1 ? { status: 503, code: 'MEMPOOL_FULL' } : { status: 202 })
    const b = await fakeNode(() => ({ status: 202 }))
    servers.push(a.server, b.server)
    const accepted: string[] = []
    const refused: Array<[string, string]> = []
    const s = new Submitter({ apis: [a.url, b.url], maxInFlight: 2, retryDelayMs: 5, onAccepted: (tx) => accepted.push(tx.id), onRefused: (tx, code) => refused.push([tx.id, code]) })
    for (let i = 0; i < 8; i++) s.enqueue(planned(i, i % 2))
    await s.idle()
    assert.deepEqual(accepted.sort(), ['tx0', 'tx1', 'tx2', 'tx3', 'tx5', 'tx6', 'tx7'])
    assert.deepEqual(refused, [['tx4', 'BAD_SIGNATURE']])
    assert.equal(s.retries, 3, 'node a pushed back tx0, tx2 and tx6 once each; tx4 was refused outright')
    assert.ok(b.bodies.every((body) => ['tx1', 'tx3', 'tx5', 'tx7'].includes(body)), 'each transfer goes to its own node only')
    s.stop()
  })

  test('never more than maxInFlight requests at once per node', async () => {
    let open = 0
    let most = 0
    const server = createServer((req, res) => {
      open++
      most = Math.max(most, open)
      req.resume()
      req.on('end', () => { setTimeout(() => { open--; res.writeHead(202).end('{}') }, 5) })
    })
    servers.push(server)
    await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    let accepted = 0
    const s = new Submitter({ apis: [url], maxInFlight: 3, onAccepted: () => { accepted++ }, onRefused: () => {} })
    for (let i = 0; i < 20; i++) s.enqueue(planned(i, 0))
    await s.idle()
    assert.equal(accepted, 20)
    assert.ok(most <= 3 && most >= 1, `at most 3 in flight (saw ${most})`)
    s.stop()
  })

  test('stop refuses what is still queued with NOT_SENT', async () => {
    const slow = await fakeNode(() => ({ status: 503, code: 'MEMPOOL_FULL' }))
    servers.push(slow.server)
    const refused: string[] = []
    const s = new Submitter({ apis: [slow.url], maxInFlight: 1, retryDelayMs: 10_000, onAccepted: () => {}, onRefused: (tx, code) => refused.push(`${tx.id}:${code}`) })
    for (let i = 0; i < 3; i++) s.enqueue(planned(i, 0))
    await new Promise<void>((resolve) => { const check = (): void => { if (s.retries >= 1) resolve(); else setTimeout(check, 5) }; check() })
    s.stop()
    assert.equal(refused.length, 3)
    assert.ok(refused.every((r) => r.endsWith(':NOT_SENT')))
    await s.idle()
  })
})
