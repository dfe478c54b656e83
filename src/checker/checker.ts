/**
 * The checker: reads every node's status every ~150 ms for the whole run, fills in the finalized
 * blocks each node reports (a syncing node jumps many heights at once) and re-reads one block of its
 * history per poll. Every answer goes through the safety record at once, so a violation stops the
 * checker, rejects `failed` and reaches every `onViolation` listener within one poll — the scenario
 * does not run on to its end first. Each node is polled by its own loop: a node that does not answer
 * (paused, partitioned) delays nobody else.
 */
import { CheckerError, SafetyViolation } from './errors.ts'
import { DEFAULT_LAG_BLOCKS, DEFAULT_MAX_BLOCKS_PER_POLL, DEFAULT_POLL_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './constants.ts'
import { LivenessTracker } from './liveness.ts'
import { SafetyRecord } from './safety.ts'
import type { CheckerEventKind, CheckerReport, LivenessEvent, NodeSummary, NodeView } from './types.ts'

export interface CheckerOptions {
  views?: readonly NodeView[]
  /** Time between two reads of one node. Default 150 ms. */
  pollMs?: number
  /** Budget of one request. Default 1 000 ms. */
  requestTimeoutMs?: number
  /** Behind the head by more than this many blocks counts as lagging. Default 2. */
  lagBlocks?: number
  /** Blocks read per node per poll to fill gaps. Default 32. */
  maxBlocksPerPoll?: number
  /** Clock in ms; default Date.now (tests pass a fake one). */
  now?: () => number
}

interface Watched {
  view: NodeView
  summary: NodeSummary
  /** The read in flight, so `stop` can wait for it and `pollAll` does not overlap the loop. */
  busy: Promise<void> | undefined
}

export interface WaitForOptions {
  timeout: number
  signal?: AbortSignal
  /** Names the condition in the timeout error. */
  what?: string
}

export class Checker {
  readonly #pollMs: number
  readonly #requestTimeoutMs: number
  readonly #maxBlocks: number
  readonly #now: () => number
  readonly #startedAt: number
  readonly #safety = new SafetyRecord()
  readonly #liveness: LivenessTracker
  readonly #nodes = new Map<string, Watched>()
  readonly #stop = new AbortController()
  readonly #listeners = new Set<() => void>()
  readonly #violationListeners = new Set<(v: SafetyViolation) => void>()
  readonly #loops: Array<Promise<void>> = []
  #violation: SafetyViolation | undefined
  #running = false
  #rejectFailed: (err: SafetyViolation) => void = () => {}
  #blocksRead = 0
  #stoppedAtMs: number | undefined
  /** Rejects with the first safety violation; never resolves. */
  readonly failed: Promise<never>

  constructor (options: CheckerOptions = {}) {
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.#maxBlocks = options.maxBlocksPerPoll ?? DEFAULT_MAX_BLOCKS_PER_POLL
    this.#now = options.now ?? Date.now
    this.#startedAt = this.#now()
    this.#liveness = new LivenessTracker(options.lagBlocks ?? DEFAULT_LAG_BLOCKS)
    this.failed = new Promise<never>((_resolve, reject) => { this.#rejectFailed = reject })
    // nobody has to listen: the violation is also in `violation` and in the report
    this.failed.catch(() => {})
    for (const view of options.views ?? []) this.add(view)
  }

  #ms (): number {
    return this.#now() - this.#startedAt
  }

  get violation (): SafetyViolation | undefined {
    return this.#violation
  }

  /** Highest finalized height any node reported (−1 before the first answer). */
  get head (): number {
    return this.#liveness.head
  }

  /** The node's last reported finalized height. */
  finalizedHeight (name: string): number | undefined {
    return this.#safety.finalizedHeight(name)
  }

  /** Watches one more node (a late joiner); its loop starts at once when the checker runs. */
  add (view: NodeView): void {
    if (this.#nodes.has(view.name)) throw new CheckerError('DUPLICATE_NODE', `the checker already watches ${view.name}`)
    const watched: Watched = { view, busy: undefined, summary: { name: view.name, finalizedHeight: null, polls: 0, unreachable: 0, down: 0, lastSeenMs: null } }
    this.#nodes.set(view.name, watched)
    if (this.#running) this.#loops.push(this.#loop(watched))
  }

  /** Starts polling every node, each in its own loop, until `stop` or a violation. */
  start (): void {
    if (this.#running || this.#stop.signal.aborted) return
    this.#running = true
    for (const watched of this.#nodes.values()) this.#loops.push(this.#loop(watched))
  }

  async #loop (watched: Watched): Promise<void> {
    const signal = this.#stop.signal
    while (!signal.aborted) {
      await this.#pollOnce(watched).catch(() => {})
      await pause(this.#pollMs, signal)
    }
  }

  /** Reads every node once, concurrently; throws the violation if one is found. */
  async pollAll (): Promise<void> {
    await Promise.all([...this.#nodes.values()].map(async (w) => this.#pollOnce(w)))
    if (this.#violation !== undefined) throw this.#violation
  }

  async #pollOnce (watched: Watched): Promise<void> {
    while (watched.busy !== undefined) await watched.busy
    if (this.#violation !== undefined) throw this.#violation
    watched.busy = this.#read(watched).finally(() => { watched.busy = undefined })
    return watched.busy
  }

  async #read (watched: Watched): Promise<void> {
    const { view, summary } = watched
    const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#requestTimeoutMs)])
    let status
    try {
      status = await view.status(signal)
    } catch {
      // a read cut short by stop() says nothing about the node
      if (this.#stop.signal.aborted) return
      summary.unreachable++
      this.#notify()
      return
    }
    // after a verdict (or a stop) nothing more is recorded
    if (this.#stop.signal.aborted) return
    if (status === undefined) {
      summary.down++
      return
    }
    const { finalizedHeight: height, finalizedCid: cid } = status
    if (height === null || cid === null) return
    summary.polls++
    summary.lastSeenMs = this.#ms()
    summary.finalizedHeight = height
    try {
      this.#safety.observeStatus(view.name, height, cid, this.#ms())
      this.#liveness.observe(view.name, height, this.#ms())
      this.#notify()
      for (const h of this.#safety.missing(view.name, this.#maxBlocks)) {
        const found = await this.#block(view, h)
        // a block the node does not have (yet) is read again next time; a lower height is caught by the status
        if (found === undefined) break
      }
      const audit = this.#safety.nextAudit(view.name)
      if (audit !== undefined) await this.#block(view, audit)
    } catch (err) {
      // a block that could not be read (the node went away mid-poll) is read again next time
      if (!(err instanceof SafetyViolation)) return
      this.#fail(err)
      throw err
    }
  }

  async #block (view: NodeView, height: number): Promise<string | undefined> {
    const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#requestTimeoutMs)])
    const cid = await view.blockCid(height, signal)
    this.#blocksRead++
    if (cid !== undefined) this.#safety.observeBlock(view.name, height, cid, this.#ms())
    return cid
  }

  #fail (violation: SafetyViolation): void {
    if (this.#violation !== undefined) return
    this.#violation = violation
    this.#stoppedAtMs = this.#ms()
    this.#stop.abort(violation)
    this.#rejectFailed(violation)
    for (const listener of this.#violationListeners) listener(violation)
    this.#notify()
  }

  #notify (): void {
    for (const listener of this.#listeners) listener()
  }

  /** Calls `listener` once the first violation is found (at once if it already was). */
  onViolation (listener: (v: SafetyViolation) => void): () => void {
    if (this.#violation !== undefined) listener(this.#violation)
    else this.#violationListeners.add(listener)
    return () => { this.#violationListeners.delete(listener) }
  }

  /** Announces a scenario event; recovery events start the liveness clocks (see LivenessTracker). */
  mark (kind: CheckerEventKind, nodes: readonly string[] = []): LivenessEvent {
    return this.#liveness.mark(kind, nodes, this.#ms())
  }

  /**
   * Resolves once `predicate` holds after some node's answer (or at once); rejects with the violation,
   * at the timeout (CheckerError TIMEOUT), when `signal` aborts, or when the checker stops.
   */
  async waitFor (predicate: () => boolean, options: WaitForOptions): Promise<void> {
    if (this.#violation !== undefined) throw this.#violation
    if (predicate()) return
    const { promise, resolve, reject } = Promise.withResolvers<void>()
    const check = (): void => {
      if (this.#violation !== undefined) reject(this.#violation)
      else if (this.#stop.signal.aborted) reject(new CheckerError('STOPPED', 'the checker stopped'))
      else if (predicate()) resolve()
    }
    const timer = setTimeout(() => { reject(new CheckerError('TIMEOUT', `timed out after ${options.timeout} ms waiting for ${options.what ?? 'a condition'}`)) }, options.timeout)
    const onAbort = (): void => { reject(options.signal?.reason instanceof Error ? options.signal.reason : new CheckerError('STOPPED', 'aborted')) }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted === true) onAbort()
    this.#stop.signal.addEventListener('abort', check, { once: true })
    this.#listeners.add(check)
    try {
      await promise
    } finally {
      clearTimeout(timer)
      this.#listeners.delete(check)
      options.signal?.removeEventListener('abort', onAbort)
      this.#stop.signal.removeEventListener('abort', check)
    }
  }

  /** Stops polling, waits for the reads in flight, and returns the report. */
  async stop (): Promise<CheckerReport> {
    this.#stoppedAtMs ??= this.#ms()
    this.#stop.abort()
    await Promise.allSettled(this.#loops)
    await Promise.allSettled([...this.#nodes.values()].map(async (w) => w.busy))
    return this.report()
  }

  report (): CheckerReport {
    const nowMs = this.#stoppedAtMs ?? this.#ms()
    const nodes = [...this.#nodes.values()].map((w) => ({ ...w.summary }))
    const v = this.#violation
    return {
      safe: v === undefined,
      violation: v === undefined ? null : { ...v.detail, message: v.message },
      durationMs: nowMs,
      polls: nodes.reduce((sum, n) => sum + n.polls, 0),
      blocksRead: this.#blocksRead,
      heightsChecked: this.#safety.heights,
      head: Math.max(this.#liveness.head, 0),
      nodes,
      events: this.#liveness.events(),
      lags: this.#liveness.lags(),
      maxStallMs: this.#liveness.maxStallMs(nowMs)
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
async function pause (ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
