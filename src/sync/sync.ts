/**
 * The sync driver. Runs are serialized: initial sync, catch-up after `onBehind` and fetches by CID
 * never overlap, and triggers that arrive during a run raise its goal and queue at most one follow-up
 * run, which finds nothing to do if the first one got there.
 */
import { pino, type Logger } from 'pino'
import type { CID } from '../codec/index.ts'
import { MAX_CIDS_PER_REQUEST, type ReportPeer } from '../network/reqresp/index.ts'
import * as d from './constants.ts'
import { RangeDownload, type Hint } from './download.ts'
import { Progress } from './progress.ts'
import { isBlockFault } from './verify.ts'
import type { Sync, SyncOptions, SyncStatus } from './types.ts'

class SyncDriver implements Sync {
  readonly #o: SyncOptions
  readonly #log: Logger
  readonly #report: ReportPeer
  readonly #now: () => number
  readonly #batchSize: number
  readonly #stop = new AbortController()
  readonly #heads = new Map<string, number>()
  readonly #hints = new Map<number, Hint>()
  readonly #progress: Progress
  #tail: Promise<unknown> = Promise.resolve()
  #queued: Promise<void> | undefined
  #running = false
  #goal = 0
  #preferred: string | undefined

  constructor (opts: SyncOptions) {
    this.#o = opts
    this.#log = (opts.logger ?? pino({ enabled: false })).child({ module: 'sync' })
    this.#report = opts.reportPeer ?? (() => {})
    this.#now = opts.now ?? Date.now
    this.#batchSize = Math.min(Math.max(1, opts.batchSize ?? d.DEFAULT_BATCH_SIZE), 64)
    this.#progress = new Progress(this.#now, opts.progressIntervalMs ?? d.DEFAULT_PROGRESS_INTERVAL_MS, this.#log)
  }

  async initialSync (): Promise<void> {
    await this.#exclusive(async () => { await this.#initial() })
  }

  onBehind (height: number, fromPeerId?: string): void {
    if (this.#stop.signal.aborted) return
    const goal = height - 1
    if (goal <= this.#o.chain().height) return
    if (fromPeerId !== undefined) {
      this.#preferred = fromPeerId
      this.#heads.set(fromPeerId, Math.max(this.#heads.get(fromPeerId) ?? 0, goal))
    }
    this.#goal = Math.max(this.#goal, goal)
    this.#catchUp().catch((err: unknown) => { this.#log.error({ err }, 'sync: catch-up failed') })
  }

  async fetchByCid (cids: CID[], fromPeerId?: string): Promise<void> {
    const signal = this.#stop.signal
    let wanted = cids.filter((c, i) => cids.findIndex((o) => o.equals(c)) === i).slice(0, MAX_CIDS_PER_REQUEST)
    const others = this.#verifiedPeers().filter((p) => p !== fromPeerId)
    for (const peer of fromPeerId !== undefined ? [fromPeerId, ...others] : others) {
      if (wanted.length === 0 || signal.aborted) break
      let items
      try {
        items = await this.#o.reqresp.requestBlocksByCid(peer, wanted, { signal })
      } catch {
        continue // reported by reqresp where it says something about the peer; try the next one
      }
      for (const item of items) {
        wanted = wanted.filter((c) => !c.equals(item.cid))
        const height = item.block.header.height
        if (height <= this.#o.chain().height) continue
        if (this.#hints.size < d.MAX_HINTS) this.#hints.set(height, { item, peer })
        this.#heads.set(peer, Math.max(this.#heads.get(peer) ?? 0, height))
        this.#goal = Math.max(this.#goal, height)
      }
    }
    if (this.#goal > this.#o.chain().height) await this.#catchUp()
  }

  status (): SyncStatus {
    const height = this.#o.chain().height
    return {
      syncing: this.#running,
      height,
      target: Math.max(height, this.#goal),
      blocksPerSecond: this.#progress.blocksPerSecond,
      peers: this.#verifiedPeers().length
    }
  }

  async stop (): Promise<void> {
    this.#stop.abort(new Error('sync stopped'))
    await this.#tail
  }

  /** Runs `fn` after every run before it; runs nothing once stopped. */
  async #exclusive (fn: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(async () => {
      if (this.#stop.signal.aborted) return
      this.#running = true
      try {
        await fn()
      } finally {
        this.#running = false
      }
    })
    this.#tail = run.catch(() => {})
    await run
  }

  /** Queues one catch-up run toward #goal, or joins the one already queued. */
  async #catchUp (): Promise<void> {
    if (this.#queued !== undefined) return this.#queued
    const run = this.#exclusive(async () => {
      this.#queued = undefined
      if (this.#goal > this.#o.chain().height) await this.#download()
    })
    this.#queued = run
    return run
  }

  async #initial (): Promise<void> {
    let rounds = 0
    let stalled = 0
    for (;;) {
      if (this.#stop.signal.aborted) return
      const best = await this.#pollStatus()
      const height = this.#o.chain().height
      if (best === undefined) {
        this.#log.info({ height }, 'sync: no peer answered status; nothing to sync from')
        return
      }
      if (best <= height || (rounds > 0 && best <= height + 1)) {
        this.#log.info({ height, best }, rounds === 0 ? 'sync: no peer is ahead' : 'sync: caught up with peers')
        return
      }
      this.#goal = Math.max(this.#goal, best)
      await this.#download()
      rounds++
      stalled = this.#o.chain().height > height ? 0 : stalled + 1
      if (stalled >= (this.#o.maxStalledRounds ?? d.DEFAULT_MAX_STALLED_ROUNDS)) {
        this.#log.warn({ height: this.#o.chain().height, best }, 'sync: no progress; giving up until peers can serve us')
        return
      }
    }
  }

  /** Asks every verified peer for status in parallel; the best final height among answers. */
  async #pollStatus (): Promise<number | undefined> {
    const peers = this.#verifiedPeers()
    const answers = await Promise.allSettled(peers.map(async (peer) => {
      const status = await this.#o.reqresp.requestStatus(peer, { signal: this.#stop.signal })
      // only final blocks are served with a commit: sync toward the finalized head
      this.#heads.set(peer, status.finalized.height)
      return status.finalized.height
    }))
    let best: number | undefined
    for (const a of answers) if (a.status === 'fulfilled') best = Math.max(best ?? 0, a.value)
    return best
  }

  async #download (): Promise<void> {
    const start = this.#o.chain().height
    const connected = new Set(this.#verifiedPeers())
    for (const peer of this.#heads.keys()) if (!connected.has(peer)) this.#heads.delete(peer)
    this.#progress.begin(start)
    this.#log.info({ height: start, target: this.#goal }, `sync: height ${start} / target ${this.#goal}`)
    const outcome = await new RangeDownload({
      reqresp: this.#o.reqresp,
      chain: this.#o.chain,
      goal: () => this.#goal,
      peers: () => this.#verifiedPeers(),
      heads: this.#heads,
      preferred: this.#preferred,
      hints: this.#hints,
      network: this.#o.networkId,
      shard: this.#o.shard ?? 0,
      verifier: this.#o.verifier,
      apply: this.#o.apply,
      isBlockFault: this.#o.isBlockFault ?? isBlockFault,
      reportPeer: this.#report,
      onApplied: (height) => { this.#progress.applied(height, Math.max(height, this.#goal)) },
      batchSize: this.#batchSize,
      maxRequestsPerPeer: this.#o.maxRequestsPerPeer ?? d.DEFAULT_MAX_REQUESTS_PER_PEER,
      maxPendingBatches: this.#o.maxPendingBatches ?? d.DEFAULT_MAX_PENDING_BATCHES,
      maxBatchAttempts: this.#o.maxBatchAttempts ?? d.DEFAULT_MAX_BATCH_ATTEMPTS,
      rateLimitedBackoffMs: this.#o.rateLimitedBackoffMs ?? d.DEFAULT_RATE_LIMITED_BACKOFF_MS,
      now: this.#now,
      signal: this.#stop.signal,
      log: this.#log
    }).run()
    this.#preferred = undefined
    const height = this.#o.chain().height
    if (outcome === 'stuck') this.#goal = height
    const applied = height - start
    if (applied > 0) {
      this.#log.info({ height, applied, ms: this.#progress.elapsedMs, outcome }, `sync: height ${height} / target ${Math.max(height, this.#goal)} (${this.#progress.blocksPerSecond} blocks/s), ${outcome}`)
      this.#o.onSynced?.(height)
    }
  }

  #verifiedPeers (): string[] {
    return this.#o.host.peers().filter((p) => p.verified).map((p) => p.peerId)
  }
}

/** Builds the sync driver; nothing runs until initialSync, onBehind or fetchByCid is called. */
export function createSync (opts: SyncOptions): Sync {
  return new SyncDriver(opts)
}
