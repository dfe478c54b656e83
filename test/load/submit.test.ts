/** The submitter against a small local HTTP server speaking `POST /txs`, standing in for node APIs (OS-assigned ports). */
import { describe, test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decode } from '../../src/codec/index.ts'
import { Submitter, classifyAnswer, type PlannedTx } from '../../src/load/index.ts'
import { waitFor } from '../helpers/wait.ts'

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

type ItemAnswer = { status: 202 } | { status: number, code: string }
/** How a fake node answers one request: per transaction, the whole request, or by dropping the connection. */
type Reply = { items: ItemAnswer[] } | { status: number, code: string } | 'drop'

interface FakeNode {
  url: string
  server: Server
  /** Each request's transactions (their bytes as text), in arrival order. */
  batches: string[][]
  /** Most requests open at once. */
  mostOpen: number
}

async function fakeNode (reply: (txs: string[]) => Reply, delayMs = 0): Promise<FakeNode> {
  const node: FakeNode = { url: '', server: createServer(), batches: [], mostOpen: 0 }
  let open = 0
  node.server.on('request', (req, res) => {
    open++
    node.mostOpen = Math.max(node.mostOpen, open)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      assert.equal(req.url, '/txs')
      assert.equal(req.headers['content-type'], 'application/cbor')
      const txs = (decode(Buffer.concat(chunks)) as Uint8Array[]).map((b) => new TextDecoder().decode(b))
      node.batches.push(txs)
      const answer = reply(txs)
      setTimeout(() => {
        open--
        if (answer === 'drop') { req.socket.destroy(); return }
        if (!('items' in answer)) {
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: answer.code, message: answer.code } }))
          return
        }
        const results = answer.items.map((a, i) => 'code' in a ? { error: { code: a.code, message: a.code }, status: a.status } : { id: txs[i] })
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }))
      }, delayMs)
    })
  })
  await new Promise<void>((resolve) => { node.server.listen(0, '127.0.0.1', resolve) })
  node.url = `http://127.0.0.1:${(node.server.address() as AddressInfo).port}`
  return node
}

/** Answers each transaction by `answer(tx, attempt)`, attempt counting from 1 per transaction. */
function perTx (answer: (tx: string, attempt: number) => ItemAnswer): (txs: string[]) => Reply {
  const attempts = new Map<string, number>()
  return (txs) => ({
    items: txs.map((tx) => {
      const n = (attempts.get(tx) ?? 0) + 1
      attempts.set(tx, n)
      return answer(tx, n)
    })
  })
}

function planned (i: number, target: number, account = 0, nonce = i): PlannedTx {
  return { index: i, account, target, nonce, timestamp: i, id: `tx${i}`, bytes: new TextEncoder().encode(`tx${i}`) }
}

interface Run { s: Submitter, accepted: string[], refused: Array<[string, string]> }

function submitter (apis: string[], opts: Partial<ConstructorParameters<typeof Submitter>[0]> = {}): Run {
  const accepted: string[] = []
  const refused: Array<[string, string]> = []
  const s = new Submitter({ apis, retryDelayMs: 5, lingerMs: 0, ...opts, onAccepted: (tx) => accepted.push(tx.id), onRefused: (tx, code) => refused.push([tx.id, code]) })
  return { s, accepted, refused }
}

describe('submitter', () => {
  const servers: Server[] = []
  after(() => { for (const s of servers) s.close() })

  test('transactions queued together go in one request per node; each answer is classified on its own', async () => {
    const a = await fakeNode(perTx((tx, attempt) => tx === 'tx4' ? { status: 422, code: 'BAD_SIGNATURE' } : attempt === 1 && tx !== 'tx2' ? { status: 503, code: 'MEMPOOL_FULL' } : { status: 202 }))
    const b = await fakeNode(perTx(() => ({ status: 202 })))
    servers.push(a.server, b.server)
    const { s, accepted, refused } = submitter([a.url, b.url], { maxInFlight: 2 })
    for (let i = 0; i < 8; i++) s.enqueue(planned(i, i % 2))
    assert.equal(s.backlog, 8)
    await s.idle()
    assert.deepEqual(accepted.sort(), ['tx0', 'tx1', 'tx2', 'tx3', 'tx5', 'tx6', 'tx7'])
    assert.deepEqual(refused, [['tx4', 'BAD_SIGNATURE']])
    assert.equal(s.retries, 2, 'node a pushed back tx0 and tx6 once each; tx2 went through, tx4 was refused outright')
    assert.deepEqual(a.batches, [['tx0', 'tx2', 'tx4', 'tx6'], ['tx0', 'tx6']], 'one request, then the pushed-back pair in one')
    assert.deepEqual(b.batches, [['tx1', 'tx3', 'tx5', 'tx7']], 'each transfer goes to its own node only')
    assert.equal(s.backlog, 0)
    assert.equal(s.inFlight, 0)
    s.stop()
  })

  test('never more than maxInFlight requests at once per node, nor more than maxBatch transactions in one', async () => {
    let run: Run | undefined
    const inFlight: Array<[number, number]> = []
    const node = await fakeNode((txs) => {
      inFlight.push([txs.length, run?.s.inFlight ?? -1])
      return { items: txs.map(() => ({ status: 202 as const })) }
    }, 5)
    servers.push(node.server)
    run = submitter([node.url], { maxInFlight: 3, maxBatch: 4 })
    const { s, accepted } = run
    for (let i = 0; i < 40; i++) s.enqueue(planned(i, 0))
    await s.idle()
    assert.ok(inFlight.every(([n, all]) => all >= n && all <= 12), `inFlight counts the transactions of every open request: ${JSON.stringify(inFlight)}`)
    assert.equal(accepted.length, 40)
    assert.ok(node.mostOpen <= 3 && node.mostOpen >= 1, `at most 3 requests open at once (saw ${node.mostOpen})`)
    assert.ok(node.batches.every((b) => b.length >= 1 && b.length <= 4), 'batches of 1..4')
    assert.deepEqual(node.batches.flat(), accepted, 'in queue order')
    s.stop()
  })

  test('a pushed-back transaction and the later ones of its batch go back to the front, in order, ahead of later nonces', async () => {
    // one sender, nonces 0..7: the node admits only the next nonce; the first time it sees nonce 1 its
    // sender queue is full, so nonces 2 and 3 of the same batch are too high, and so is the whole next batch
    let next = 0
    const seen = new Set<string>()
    const node = await fakeNode((txs) => ({
      items: txs.map((tx): ItemAnswer => {
        const nonce = Number(tx.slice(2))
        if (nonce === 1 && !seen.has(tx)) { seen.add(tx); return { status: 429, code: 'SENDER_QUEUE_FULL' } }
        if (nonce < next) return { status: 409, code: 'ALREADY_KNOWN' }
        if (nonce > next) return { status: 409, code: 'NONCE_TOO_HIGH' }
        next++
        return { status: 202 }
      })
    }))
    servers.push(node.server)
    const { s, accepted, refused } = submitter([node.url], { maxInFlight: 1, maxBatch: 4 })
    for (let i = 0; i < 8; i++) s.enqueue(planned(i, 0))
    await s.idle()
    assert.deepEqual(refused, [])
    assert.deepEqual(accepted, ['tx0', 'tx1', 'tx2', 'tx3', 'tx4', 'tx5', 'tx6', 'tx7'], 'admitted in nonce order')
    assert.equal(next, 8)
    assert.equal(s.retries, 7, 'tx1–3 pushed back, then tx4–7 (too high behind them), each once')
    assert.deepEqual(node.batches[0], ['tx0', 'tx1', 'tx2', 'tx3'])
    for (const batch of node.batches) {
      const nonces = batch.map((tx) => Number(tx.slice(2)))
      assert.deepEqual(nonces, [...nonces].sort((x, y) => x - y), `a request never holds a later nonce before an earlier one: ${batch.join(',')}`)
    }
  })

  test('a failed request sends the whole batch again; after maxErrors its transactions are UNREACHABLE', async () => {
    let drops = 1
    const flaky = await fakeNode((txs) => drops-- > 0 ? 'drop' : { items: txs.map(() => ({ status: 202 as const })) })
    const dead = await fakeNode(() => 'drop')
    servers.push(flaky.server, dead.server)
    const { s, accepted, refused } = submitter([flaky.url, dead.url], { maxErrors: 2 })
    for (let i = 0; i < 6; i++) s.enqueue(planned(i, i % 2))
    await s.idle()
    assert.deepEqual(accepted.sort(), ['tx0', 'tx2', 'tx4'])
    assert.deepEqual(flaky.batches, [['tx0', 'tx2', 'tx4'], ['tx0', 'tx2', 'tx4']])
    assert.deepEqual(refused.sort(), [['tx1', 'UNREACHABLE'], ['tx3', 'UNREACHABLE'], ['tx5', 'UNREACHABLE']])
    assert.equal(dead.batches.length, 2, 'tried maxErrors times')
  })

  test('a request refused as a whole: 503 is retried for every transaction, 400 refuses every one with its code', async () => {
    let unavailable = 1
    const starting = await fakeNode((txs) => unavailable-- > 0 ? { status: 503, code: 'UNAVAILABLE' } : { items: txs.map(() => ({ status: 202 as const })) })
    const old = await fakeNode(() => ({ status: 404, code: 'NOT_FOUND' }))
    servers.push(starting.server, old.server)
    const { s, accepted, refused } = submitter([starting.url, old.url])
    for (let i = 0; i < 4; i++) s.enqueue(planned(i, i % 2))
    await s.idle()
    assert.deepEqual(accepted.sort(), ['tx0', 'tx2'])
    assert.deepEqual(refused.sort(), [['tx1', 'NOT_FOUND'], ['tx3', 'NOT_FOUND']])
    assert.equal(s.retries, 2)
  })

  test('a node that keeps pushing back is retried less and less often: the wait doubles, then resets', async () => {
    let full = 4
    const times: number[] = []
    const node = await fakeNode((txs) => {
      times.push(performance.now())
      return full-- > 0 ? { status: 503, code: 'MEMPOOL_FULL' } : { items: txs.map(() => ({ status: 202 as const })) }
    })
    servers.push(node.server)
    const { s, accepted } = submitter([node.url], { retryDelayMs: 20 })
    s.enqueue(planned(0, 0))
    await s.idle()
    assert.deepEqual(accepted, ['tx0'])
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    // 20, 40, 80, 160 ms at least (timers never fire early; a millisecond of clock rounding allowed)
    assert.deepEqual(gaps.map((g, i) => g >= 20 * 2 ** i - 1), [true, true, true, true], `gaps ${gaps.map((g) => g.toFixed(0)).join(', ')} ms`)
  })

  test('a partial batch waits up to lingerMs for more; a full one goes at once', async () => {
    const node = await fakeNode(perTx(() => ({ status: 202 })))
    servers.push(node.server)
    const { s, accepted } = submitter([node.url], { maxBatch: 3, lingerMs: 60_000 })
    for (let i = 0; i < 4; i++) s.enqueue(planned(i, 0))
    await waitFor(() => accepted.length === 3, { what: 'the full batch' })
    assert.deepEqual(node.batches, [['tx0', 'tx1', 'tx2']])
    assert.equal(s.backlog, 1, 'tx3 waits for company')
    s.enqueue(planned(4, 0))
    s.enqueue(planned(5, 0))
    await s.idle()
    assert.deepEqual(node.batches, [['tx0', 'tx1', 'tx2'], ['tx3', 'tx4', 'tx5']])
    s.stop()
  })

  test('stop refuses what is still queued or waiting to be retried with NOT_SENT', async () => {
    const full = await fakeNode(perTx(() => ({ status: 503, code: 'MEMPOOL_FULL' })))
    servers.push(full.server)
    const { s, refused } = submitter([full.url], { maxBatch: 2, maxInFlight: 1, retryDelayMs: 10_000 })
    for (let i = 0; i < 3; i++) s.enqueue(planned(i, 0))
    await waitFor(() => s.retries >= 2 && s.inFlight === 0, { what: 'a pushed-back batch' })
    assert.equal(s.backlog, 3)
    s.stop()
    assert.deepEqual(refused.map(([id, code]) => `${id}:${code}`).sort(), ['tx0:NOT_SENT', 'tx1:NOT_SENT', 'tx2:NOT_SENT'])
    await s.idle()
  })

  test('options out of range are refused with INVALID_OPTION naming the option', () => {
    assert.throws(() => submitter(['http://127.0.0.1:1'], { maxBatch: 1025 }), { code: 'INVALID_OPTION', field: 'maxBatch' })
    assert.throws(() => submitter(['http://127.0.0.1:1'], { maxInFlight: 0 }), { code: 'INVALID_OPTION', field: 'maxInFlight' })
  })
})
