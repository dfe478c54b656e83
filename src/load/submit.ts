/**
 * Submission: batches of transactions in `POST /txs` (a DAG-CBOR array of the raw transaction bytes,
 * application/cbor) over keep-alive connections, a bounded number of requests in flight per node,
 * queued in due order. One request per transaction was ~5 % of a node's CPU at 300 tx/s; a batch
 * costs the node one request for up to `maxBatch` of them.
 *
 * A node answers each transaction of a batch on its own, with the status `POST /tx` would have
 * given. A node pushing back (mempool full, the sender's queue full, a nonce ahead of what it holds)
 * gets the same transactions again after a short wait, back at the front of its queue in their
 * original order (a sender's later nonces in the batch were pushed back behind the first one);
 * anything else it refuses is final for this run. A request that fails (connection error, timeout,
 * an unreadable answer) sends the whole batch again, up to `maxErrors` times per transaction.
 */
import { Agent, request } from 'node:http'
import { encode } from '../codec/index.ts'
import { LoadError } from './errors.ts'
import { MAX_BATCH_TXS } from '../api/limits.ts'
import type { PlannedTx } from './sign.ts'

/** Refusals that mean "not now": the node is full or a sender's earlier nonce has not arrived yet. */
export const RETRY_CODES: ReadonlySet<string> = new Set(['MEMPOOL_FULL', 'SENDER_QUEUE_FULL', 'NOT_STARTED', 'UNAVAILABLE', 'NONCE_TOO_HIGH'])
/** Conflicts that mean the node already has it (a re-sent transaction got through the first time). */
export const KNOWN_CODES: ReadonlySet<string> = new Set(['ALREADY_KNOWN', 'ALREADY_FINAL'])
/** Most transactions a node takes in one `POST /txs`. */
export const MAX_BATCH = MAX_BATCH_TXS

/** Longest wait before pushed-back transactions go again (see `retryDelayMs`). */
export const MAX_RETRY_DELAY_MS = 1000

export type SubmitOutcome = 'accepted' | 'retry' | 'refused'

/** What the generator does with a node's answer (HTTP status and the error code of its body). */
export function classifyAnswer (status: number, code: string | undefined): SubmitOutcome {
  if (status === 202) return 'accepted'
  if (code !== undefined && KNOWN_CODES.has(code)) return 'accepted'
  if (code !== undefined && RETRY_CODES.has(code)) return 'retry'
  if (status === 429 || status === 503) return 'retry'
  return 'refused'
}

export interface SubmitterOptions {
  apis: readonly string[]
  /** Batch requests in flight per node. Default 4. */
  maxInFlight?: number
  /** Most transactions per request, 1..MAX_BATCH. Default 256. */
  maxBatch?: number
  /** Most transaction bytes per request (a larger transaction goes alone). Default 4 MiB, half the node's cap. */
  maxBatchBytes?: number
  /**
   * How long a transaction may wait for others to fill its batch before the batch goes anyway (a
   * full batch goes at once). Each request costs a node ~0.1 ms of CPU besides admission; the wait
   * adds to the latency. Paced transfers reach a node evenly spaced (300 tx/s over 4 nodes: every
   * 13 ms), so a wait shorter than the spacing batches nothing. Default 20 ms: ~2 per request at
   * 300 tx/s over 4 nodes, ~5 at 1,000. Transactions queued in one turn of the event loop go
   * together even at 0.
   */
  lingerMs?: number
  /**
   * Wait before a pushed-back transaction is sent again. Default 50 ms; doubled after every answer
   * in which the same node is full again (503: MEMPOOL_FULL, UNAVAILABLE), up to 1 s, and back to
   * this after one that is not: an overloaded node is not kept busy refusing the same transactions
   * 20 times a second, while a nonce that merely arrived early goes again soon.
   */
  retryDelayMs?: number
  /** Attempts for a transaction whose request failed (connection error, timeout). Default 5. */
  maxErrors?: number
  requestTimeoutMs?: number
  onAccepted: (tx: PlannedTx) => void
  onRefused: (tx: PlannedTx, code: string) => void
}

/** A node's answer about one transaction: the status `POST /tx` would have given, and the error code. */
interface Answer { status: number, code: string | undefined }

interface BatchItem { id?: unknown, status?: unknown, error?: { code?: unknown } }

/** The per-transaction answers to a batch; rejects when the request fails or the answer is unreadable. */
function postBatch (agent: Agent, url: URL, txs: readonly PlannedTx[], timeoutMs: number): Promise<Answer[]> {
  const body = encode(txs.map((tx) => tx.bytes))
  return new Promise((resolve, reject) => {
    const req = request({
      agent,
      host: url.hostname,
      port: url.port,
      path: '/txs',
      method: 'POST',
      headers: { 'content-type': 'application/cbor', 'content-length': body.byteLength },
      timeout: timeoutMs
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => { chunks.push(c) })
      res.on('end', () => {
        const status = res.statusCode ?? 0
        let json: { results?: unknown, error?: { code?: unknown } } | undefined
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof json
        } catch {}
        if (status !== 200) {
          // the request as a whole was refused: the same answer for each transaction
          const code = typeof json?.error?.code === 'string' ? json.error.code : undefined
          resolve(txs.map(() => ({ status, code })))
          return
        }
        const results = json?.results
        if (!Array.isArray(results) || results.length !== txs.length) {
          reject(new Error(`POST ${url.origin}/txs: expected ${txs.length} results`))
          return
        }
        resolve((results as BatchItem[]).map((r) => r.id !== undefined
          ? { status: 202, code: undefined }
          : { status: typeof r.status === 'number' ? r.status : 0, code: typeof r.error?.code === 'string' ? r.error.code : undefined }))
      })
      res.on('error', reject)
    })
    req.on('timeout', () => { req.destroy(new Error(`POST ${url.origin}/txs timed out after ${timeoutMs} ms`)) })
    req.on('error', reject)
    req.end(body)
  })
}

interface Target {
  url: URL
  agent: Agent
  /** Queued transactions, in plan (index) order from `head` on; compacted now and then. */
  queue: PlannedTx[]
  head: number
  /** Batch requests in flight. */
  requests: number
  /** Transactions in those requests. */
  sending: number
  /** When the oldest queued transaction started waiting for its batch to fill; undefined when none. */
  since: number | undefined
  /** A pump at the end of this turn of the event loop (after the caller's enqueues). */
  tick: NodeJS.Immediate | undefined
  /** A pump when the oldest queued transaction has waited `lingerMs`. */
  linger: NodeJS.Timeout | undefined
  /** Wait before pushed-back transactions go again: doubles while the node keeps pushing back. */
  backoffMs: number
}

function positive (value: number | undefined, fallback: number, field: string, max = Number.MAX_SAFE_INTEGER): number {
  const v = value ?? fallback
  if (!Number.isSafeInteger(v) || v < 1 || v > max) throw new LoadError('INVALID_OPTION', `${field} must be a whole number in 1..${max}, got ${v}`, { field })
  return v
}

export class Submitter {
  readonly #o: SubmitterOptions
  readonly #targets: Target[]
  readonly #max: number
  readonly #batch: number
  readonly #batchBytes: number
  readonly #linger: number
  readonly #errors = new Map<string, number>()
  /** Pushed-back transactions waiting for the retry delay, one group per answer. */
  readonly #timers = new Map<NodeJS.Timeout, PlannedTx[]>()
  #waiting = 0
  #idle: Array<() => void> = []
  #stopped = false
  #retries = 0

  constructor (o: SubmitterOptions) {
    this.#o = o
    this.#max = positive(o.maxInFlight, 4, 'maxInFlight')
    this.#batch = positive(o.maxBatch, 256, 'maxBatch', MAX_BATCH)
    this.#batchBytes = positive(o.maxBatchBytes, 4 * 1024 * 1024, 'maxBatchBytes')
    this.#linger = Math.max(0, o.lingerMs ?? 20)
    this.#targets = o.apis.map((api) => ({
      url: new URL(api),
      agent: new Agent({ keepAlive: true, maxSockets: this.#max }),
      queue: [],
      head: 0,
      requests: 0,
      sending: 0,
      since: undefined,
      tick: undefined,
      linger: undefined,
      backoffMs: 0
    }))
  }

  /** Transactions waiting to be sent (queued or waiting to be retried, not in flight). */
  get backlog (): number {
    let n = 0
    for (const t of this.#targets) n += t.queue.length - t.head
    return n + this.#waiting
  }

  /** Transactions sent and not answered yet. */
  get inFlight (): number {
    let n = 0
    for (const t of this.#targets) n += t.sending
    return n
  }

  /** Transactions sent again: pushed back by a node, or in a request that failed. */
  get retries (): number { return this.#retries }

  enqueue (tx: PlannedTx): void {
    const t = this.#targets[tx.target]
    if (t === undefined || this.#stopped) return
    t.queue.push(tx)
    t.since ??= performance.now()
    // what the caller queues in this turn of the event loop goes in one batch
    t.tick ??= setImmediate(() => { t.tick = undefined; this.#pump(t) })
  }

  /** Resolves when nothing is queued, waiting for a retry or in flight. */
  async idle (): Promise<void> {
    if (this.#isIdle()) return
    await new Promise<void>((resolve) => { this.#idle.push(resolve) })
  }

  /** Sends nothing more; what was still queued is refused with NOT_SENT. Closes the connections. */
  stop (): void {
    this.#stopped = true
    for (const [timer, txs] of this.#timers) {
      clearTimeout(timer)
      for (const tx of txs) this.#o.onRefused(tx, 'NOT_SENT')
    }
    this.#timers.clear()
    this.#waiting = 0
    for (const t of this.#targets) {
      this.#sleep(t)
      for (let i = t.head; i < t.queue.length; i++) this.#o.onRefused(t.queue[i] as PlannedTx, 'NOT_SENT')
      t.queue = []
      t.head = 0
      t.since = undefined
      t.agent.destroy()
    }
    this.#checkIdle()
  }

  #isIdle (): boolean {
    return this.inFlight === 0 && this.backlog === 0
  }

  #checkIdle (): void {
    if (!this.#isIdle()) return
    const waiting = this.#idle
    this.#idle = []
    for (const resolve of waiting) resolve()
  }

  #sleep (t: Target): void {
    if (t.tick !== undefined) clearImmediate(t.tick)
    if (t.linger !== undefined) clearTimeout(t.linger)
    t.tick = undefined
    t.linger = undefined
  }

  /** Sends full batches, and partial ones whose oldest transaction has waited `lingerMs`, while slots are free. */
  #pump (t: Target): void {
    while (!this.#stopped && t.requests < this.#max && t.head < t.queue.length) {
      const waited = performance.now() - (t.since ?? 0)
      if (t.queue.length - t.head < this.#batch && waited < this.#linger) {
        t.linger ??= setTimeout(() => { t.linger = undefined; this.#pump(t) }, Math.ceil(this.#linger - waited))
        return
      }
      const batch = this.#take(t)
      t.requests++
      t.sending += batch.length
      void this.#send(t, batch)
    }
  }

  #take (t: Target): PlannedTx[] {
    const batch: PlannedTx[] = []
    let bytes = 0
    while (t.head < t.queue.length && batch.length < this.#batch) {
      const tx = t.queue[t.head] as PlannedTx
      if (batch.length > 0 && bytes + tx.bytes.byteLength > this.#batchBytes) break
      batch.push(tx)
      bytes += tx.bytes.byteLength
      t.head++
    }
    if (t.head === t.queue.length) {
      t.queue = []
      t.head = 0
      t.since = undefined
      if (t.linger !== undefined) clearTimeout(t.linger)
      t.linger = undefined
    } else if (t.head > 4096 && t.head * 2 > t.queue.length) {
      t.queue = t.queue.slice(t.head)
      t.head = 0
    }
    return batch
  }

  async #send (t: Target, batch: PlannedTx[]): Promise<void> {
    let answers: Answer[] | undefined
    try {
      answers = await postBatch(t.agent, t.url, batch, this.#o.requestTimeoutMs ?? 10_000)
    } catch {}
    t.requests--
    t.sending -= batch.length
    if (!this.#stopped) {
      const again = answers !== undefined ? this.#handle(batch, answers) : this.#failed(batch)
      const base = this.#o.retryDelayMs ?? 50
      // Only a node that is full backs off; a nonce that arrived early just goes again soon.
      const full = answers?.some((a) => a.status === 503) ?? false
      t.backoffMs = !full ? (again.length === 0 ? 0 : base) : Math.min(MAX_RETRY_DELAY_MS, Math.max(base, t.backoffMs * 2))
      if (again.length > 0) this.#retry(t, again)
      this.#pump(t)
    }
    this.#checkIdle()
  }

  /** Reports the accepted and refused; returns the pushed-back, in batch order. */
  #handle (batch: readonly PlannedTx[], answers: readonly Answer[]): PlannedTx[] {
    const again: PlannedTx[] = []
    batch.forEach((tx, i) => {
      const { status, code } = answers[i] as Answer
      const outcome = classifyAnswer(status, code)
      if (outcome === 'accepted') this.#o.onAccepted(tx)
      else if (outcome === 'retry') again.push(tx)
      else this.#o.onRefused(tx, code ?? `HTTP_${status}`)
    })
    return again
  }

  /** The request failed: the batch goes again, but for transactions out of attempts. */
  #failed (batch: readonly PlannedTx[]): PlannedTx[] {
    const again: PlannedTx[] = []
    for (const tx of batch) {
      const errors = (this.#errors.get(tx.id) ?? 0) + 1
      this.#errors.set(tx.id, errors)
      if (errors < (this.#o.maxErrors ?? 5)) {
        again.push(tx)
        continue
      }
      this.#errors.delete(tx.id)
      this.#o.onRefused(tx, 'UNREACHABLE')
    }
    return again
  }

  /** After the retry delay, back at the front of the node's queue in plan order, ahead of later nonces. */
  #retry (t: Target, txs: PlannedTx[]): void {
    this.#retries += txs.length
    this.#waiting += txs.length
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      this.#waiting -= txs.length
      if (this.#stopped) return
      this.#requeue(t, txs)
      // they have waited already: send without lingering
      t.since = Math.min(t.since ?? Infinity, performance.now() - this.#linger)
      this.#pump(t)
    }, t.backoffMs)
    this.#timers.set(timer, txs)
  }

  /**
   * Merges `txs` (in plan order) into the front of the queue by plan index: another group pushed back
   * earlier, or queued meanwhile, may hold a sender's earlier or later nonces.
   */
  #requeue (t: Target, txs: readonly PlannedTx[]): void {
    const last = (txs[txs.length - 1] as PlannedTx).index
    let k = t.head
    while (k < t.queue.length && (t.queue[k] as PlannedTx).index < last) k++
    const merged = [...t.queue.slice(t.head, k), ...txs].sort((a, b) => a.index - b.index)
    if (t.head >= txs.length) {
      t.head -= txs.length
      for (let i = 0; i < merged.length; i++) t.queue[t.head + i] = merged[i] as PlannedTx
    } else {
      t.queue.splice(t.head, k - t.head, ...merged)
    }
  }
}
