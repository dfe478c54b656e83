/**
 * Submission: `POST /tx` with the raw DAG-CBOR bytes (application/cbor) over keep-alive connections,
 * a bounded number in flight per node, queued in due order. A node pushing back (mempool full, the
 * sender's queue full, a nonce ahead of what it holds) gets the same transaction again after a
 * short wait, at the front of its queue; anything else it refuses is final for this run.
 */
import { Agent, request } from 'node:http'
import type { PlannedTx } from './sign.ts'

/** Refusals that mean "not now": the node is full or a sender's earlier nonce has not arrived yet. */
export const RETRY_CODES: ReadonlySet<string> = new Set(['MEMPOOL_FULL', 'SENDER_QUEUE_FULL', 'NOT_STARTED', 'UNAVAILABLE', 'NONCE_TOO_HIGH'])
/** Conflicts that mean the node already has it (a re-sent transaction got through the first time). */
export const KNOWN_CODES: ReadonlySet<string> = new Set(['ALREADY_KNOWN', 'ALREADY_FINAL'])

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
  /** Requests in flight per node. Default 32. */
  maxInFlight?: number
  /** Wait before a pushed-back transaction is sent again. Default 50 ms. */
  retryDelayMs?: number
  /** Attempts for a transaction whose request failed (connection error, timeout). Default 5. */
  maxErrors?: number
  requestTimeoutMs?: number
  onAccepted: (tx: PlannedTx) => void
  onRefused: (tx: PlannedTx, code: string) => void
}

interface Answer { status: number, code: string | undefined }

function post (agent: Agent, url: URL, bytes: Uint8Array, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({
      agent,
      host: url.hostname,
      port: url.port,
      path: '/tx',
      method: 'POST',
      headers: { 'content-type': 'application/cbor', 'content-length': bytes.byteLength },
      timeout: timeoutMs
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => { chunks.push(c) })
      res.on('end', () => {
        const status = res.statusCode ?? 0
        if (status === 202) { resolve({ status, code: undefined }); return }
        let code: string | undefined
        try {
          code = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { code?: string } }).error?.code
        } catch {}
        resolve({ status, code })
      })
      res.on('error', reject)
    })
    req.on('timeout', () => { req.destroy(new Error(`POST ${url.origin}/tx timed out after ${timeoutMs} ms`)) })
    req.on('error', reject)
    req.end(bytes)
  })
}

interface Target {
  url: URL
  agent: Agent
  queue: PlannedTx[]
  /** Index of the next queued transaction (the queue is compacted now and then). */
  head: number
  inFlight: number
}

export class Submitter {
  readonly #o: SubmitterOptions
  readonly #targets: Target[]
  readonly #max: number
  readonly #errors = new Map<string, number>()
  readonly #timers = new Map<NodeJS.Timeout, PlannedTx>()
  #idle: Array<() => void> = []
  #stopped = false
  #retries = 0

  constructor (o: SubmitterOptions) {
    this.#o = o
    this.#max = o.maxInFlight ?? 32
    this.#targets = o.apis.map((api) => ({
      url: new URL(api),
      agent: new Agent({ keepAlive: true, maxSockets: this.#max }),
      queue: [],
      head: 0,
      inFlight: 0
    }))
  }

  /** Transactions waiting to be sent (not in flight). */
  get backlog (): number {
    let n = 0
    for (const t of this.#targets) n += t.queue.length - t.head
    return n + this.#timers.size
  }

  get inFlight (): number {
    let n = 0
    for (const t of this.#targets) n += t.inFlight
    return n
  }

  /** Times a node pushed back (retried transactions). */
  get retries (): number { return this.#retries }

  enqueue (tx: PlannedTx): void {
    const t = this.#targets[tx.target]
    if (t === undefined || this.#stopped) return
    t.queue.push(tx)
    this.#pump(t)
  }

  /** Resolves when nothing is queued, waiting for a retry or in flight. */
  async idle (): Promise<void> {
    if (this.#isIdle()) return
    await new Promise<void>((resolve) => { this.#idle.push(resolve) })
  }

  /** Sends nothing more; what was still queued is refused with NOT_SENT. Closes the connections. */
  stop (): void {
    this.#stopped = true
    for (const [timer, tx] of this.#timers) {
      clearTimeout(timer)
      this.#o.onRefused(tx, 'NOT_SENT')
    }
    this.#timers.clear()
    for (const t of this.#targets) {
      for (let i = t.head; i < t.queue.length; i++) this.#o.onRefused(t.queue[i] as PlannedTx, 'NOT_SENT')
      t.queue = []
      t.head = 0
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

  #pump (t: Target): void {
    while (!this.#stopped && t.inFlight < this.#max && t.head < t.queue.length) {
      const tx = t.queue[t.head] as PlannedTx
      t.head++
      if (t.head > 4096 && t.head * 2 > t.queue.length) {
        t.queue = t.queue.slice(t.head)
        t.head = 0
      }
      t.inFlight++
      void this.#send(t, tx)
    }
  }

  async #send (t: Target, tx: PlannedTx): Promise<void> {
    let answer: Answer | undefined
    let failure: unknown
    try {
      answer = await post(t.agent, t.url, tx.bytes, this.#o.requestTimeoutMs ?? 10_000)
    } catch (err) {
      failure = err
    }
    t.inFlight--
    if (!this.#stopped) {
      if (answer !== undefined) this.#handle(t, tx, answer)
      else this.#failed(t, tx, failure)
      this.#pump(t)
    }
    this.#checkIdle()
  }

  #handle (t: Target, tx: PlannedTx, answer: Answer): void {
    const outcome = classifyAnswer(answer.status, answer.code)
    if (outcome === 'accepted') this.#o.onAccepted(tx)
    else if (outcome === 'retry') this.#retry(t, tx)
    else this.#o.onRefused(tx, answer.code ?? `HTTP_${answer.status}`)
  }

  #failed (t: Target, tx: PlannedTx, _err: unknown): void {
    const errors = (this.#errors.get(tx.id) ?? 0) + 1
    this.#errors.set(tx.id, errors)
    if (errors >= (this.#o.maxErrors ?? 5)) {
      this.#errors.delete(tx.id)
      this.#o.onRefused(tx, 'UNREACHABLE')
      return
    }
    this.#retry(t, tx)
  }

  /** Back at the front of its node's queue after the retry delay, ahead of later nonces. */
  #retry (t: Target, tx: PlannedTx): void {
    this.#retries++
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      if (this.#stopped) return
      if (t.head > 0) t.queue[--t.head] = tx
      else t.queue.unshift(tx)
      this.#pump(t)
    }, this.#o.retryDelayMs ?? 50)
    this.#timers.set(timer, tx)
  }
}
