/**
 * One download run: fetches blocks (head+1 … goal) in batches from several peers at once and applies
 * them strictly in height order. Each batch goes to the least-busy peer that may have it (preferred
 * peer first); a batch that fails — error, nothing served, or a block that breaks a verification
 * rule — goes back to the queue and is retried on another peer. A peer that served an invalid block
 * is reported and not asked again in this run. The goal may rise while the run is under way (a
 * coalesced trigger); the head may move under it (consensus commits a block): both are re-read each
 * step.
 */
import type { Logger } from 'pino'
import type { CID } from '../codec/index.ts'
import type { Commit, SignatureVerifier } from '../consensus/index.ts'
import type { Block, LedgerChain } from '../ledger/index.ts'
import { ReqRespError, type FetchedBlock, type ReportPeer, type ReqResp } from '../network/reqresp/index.ts'
import { SyncError } from './errors.ts'
import { checkNext, faultDetail } from './verify.ts'

/** A range of heights to fetch, with the peers already tried for it. */
interface Batch {
  start: number
  end: number
  tried: Set<string>
  attempts: number
}

/** A fetched range waiting for its turn to be applied. */
interface Ready extends Batch {
  items: FetchedBlock[]
  peer: string
}

export interface Hint {
  item: FetchedBlock
  peer: string
}

export interface DownloadContext {
  reqresp: Pick<ReqResp, 'requestBlocksByRange'>
  chain: () => LedgerChain
  goal: () => number
  /** Verified peers now. */
  peers: () => string[]
  /** What we know of the peer's final head height. */
  heads: Map<string, number>
  preferred: string | undefined
  /** Blocks fetched by CID, by height: used instead of a request when their height comes up. */
  hints: Map<number, Hint>
  network: CID
  shard: number
  verifier: SignatureVerifier | undefined
  apply: (block: Block, commit: Commit) => Promise<void>
  isBlockFault: (err: unknown) => boolean
  reportPeer: ReportPeer
  onApplied: (height: number) => void
  batchSize: number
  maxRequestsPerPeer: number
  maxPendingBatches: number
  maxBatchAttempts: number
  rateLimitedBackoffMs: number
  now: () => number
  signal: AbortSignal
  log: Logger
}

export type DownloadOutcome = 'reached' | 'stuck' | 'aborted'

export class RangeDownload {
  readonly #c: DownloadContext
  readonly #abort = new AbortController()
  readonly #signal: AbortSignal
  #queue: Batch[] = []
  readonly #ready = new Map<number, Ready>()
  readonly #load = new Map<string, number>()
  readonly #banned = new Set<string>()
  readonly #cooling = new Map<string, number>()
  readonly #lastUsed = new Map<string, number>()
  #uses = 0
  #nextStart = 0
  #wake: (() => void) | undefined

  constructor (ctx: DownloadContext) {
    this.#c = ctx
    this.#signal = AbortSignal.any([ctx.signal, this.#abort.signal])
  }

  async run (): Promise<DownloadOutcome> {
    try {
      for (;;) {
        if (this.#signal.aborted) return 'aborted'
        const height = this.#c.chain().height
        if (height >= this.#c.goal()) return 'reached'
        this.#prune(height)
        this.#plan(height)
        const ready = this.#ready.get(height + 1)
        if (ready !== undefined) {
          this.#ready.delete(ready.start)
          await this.#apply(ready)
          continue
        }
        if (this.#dispatch(height)) return 'stuck'
        await this.#changed()
      }
    } finally {
      this.#abort.abort(new Error('download run over'))
    }
  }

  /** Drops what the head has passed (consensus may commit blocks while we download). */
  #prune (height: number): void {
    this.#nextStart = Math.max(this.#nextStart, height + 1)
    this.#queue = this.#queue.filter((b) => b.end > height)
    for (const b of this.#queue) b.start = Math.max(b.start, height + 1)
    for (const [start, r] of this.#ready) {
      if (start > height) continue
      this.#ready.delete(start)
      const items = r.items.filter((i) => i.block.header.height > height)
      const first = items[0]
      if (first !== undefined) this.#ready.set(first.block.header.height, { ...r, start: first.block.header.height, items })
    }
    for (const h of this.#c.hints.keys()) if (h <= height) this.#c.hints.delete(h)
  }

  /** Cuts new batches up to the goal, at most maxPendingBatches batches ahead of the head. */
  #plan (height: number): void {
    const goal = this.#c.goal()
    const limit = height + this.#c.batchSize * this.#c.maxPendingBatches
    while (this.#nextStart <= goal && this.#nextStart <= limit) {
      const start = this.#nextStart
      const hint = this.#c.hints.get(start)
      if (hint !== undefined) {
        this.#c.hints.delete(start)
        this.#ready.set(start, { start, end: start, tried: new Set(), attempts: 0, items: [hint.item], peer: hint.peer })
        this.#nextStart = start + 1
        continue
      }
      let end = Math.min(goal, start + this.#c.batchSize - 1)
      // stop short of a block we already hold by CID
      for (const h of this.#c.hints.keys()) if (h > start && h <= end) end = h - 1
      this.#queue.push({ start, end, tried: new Set(), attempts: 0 })
      this.#nextStart = end + 1
    }
  }

  /** Sends queued batches to free peers. True when the next batch needed can no longer be fetched. */
  #dispatch (height: number): boolean {
    const now = this.#c.now()
    const peers = this.#c.peers()
    for (const batch of [...this.#queue]) {
      const candidates = batch.attempts >= this.#c.maxBatchAttempts
        ? []
        : peers.filter((p) => !this.#banned.has(p) && !batch.tried.has(p) && (this.#c.heads.get(p) ?? Infinity) >= batch.start)
      if (candidates.length === 0) {
        if (batch.start === height + 1) {
          this.#c.log.warn({ start: batch.start, end: batch.end, tried: [...batch.tried] }, 'sync: no peer left to serve the next blocks')
          return true
        }
        continue
      }
      const free = candidates.filter((p) => (this.#load.get(p) ?? 0) < this.#c.maxRequestsPerPeer && (this.#cooling.get(p) ?? 0) <= now)
      const peer = this.#pick(free)
      if (peer !== undefined) this.#launch(batch, peer)
    }
    return false
  }

  /** The preferred peer if free, else the least busy, least recently used one. */
  #pick (free: string[]): string | undefined {
    const preferred = this.#c.preferred
    if (preferred !== undefined && free.includes(preferred)) return preferred
    let best: string | undefined
    for (const p of free) {
      if (best === undefined) {
        best = p
        continue
      }
      const load = (this.#load.get(p) ?? 0) - (this.#load.get(best) ?? 0)
      if (load < 0 || (load === 0 && (this.#lastUsed.get(p) ?? -1) < (this.#lastUsed.get(best) ?? -1))) best = p
    }
    return best
  }

  #launch (batch: Batch, peer: string): void {
    this.#queue = this.#queue.filter((b) => b !== batch)
    batch.attempts++
    this.#load.set(peer, (this.#load.get(peer) ?? 0) + 1)
    this.#lastUsed.set(peer, this.#uses++)
    const count = batch.end - batch.start + 1
    this.#c.reqresp.requestBlocksByRange(peer, batch.start, count, { signal: this.#signal }).then(
      (items) => { this.#received(batch, peer, items) },
      (err: unknown) => { this.#failed(batch, peer, err) }
    ).finally(() => {
      this.#load.set(peer, (this.#load.get(peer) ?? 1) - 1)
      this.#notify()
    })
  }

  #received (batch: Batch, peer: string, items: FetchedBlock[]): void {
    const last = items.at(-1)
    if (last === undefined) {
      // the peer does not have these blocks (yet): its head is below them
      this.#c.heads.set(peer, batch.start - 1)
      this.#requeue({ ...batch, tried: new Set([...batch.tried, peer]) })
      return
    }
    const top = last.block.header.height
    this.#c.heads.set(peer, Math.max(this.#c.heads.get(peer) ?? 0, top))
    this.#ready.set(batch.start, { ...batch, end: top, items, peer })
    // fewer than asked: the peer stops at its head, another may have the rest
    if (top < batch.end) this.#requeue({ start: top + 1, end: batch.end, tried: new Set([...batch.tried, peer]), attempts: 0 })
  }

  #failed (batch: Batch, peer: string, err: unknown): void {
    if (this.#signal.aborted) return
    const code = err instanceof ReqRespError ? err.code : 'UNKNOWN'
    this.#c.log.debug({ peer, start: batch.start, end: batch.end, code }, 'sync: range request failed')
    if (code === 'RATE_LIMITED') {
      // our fault: leave the peer alone for a while, it stays a candidate
      this.#cooling.set(peer, this.#c.now() + this.#c.rateLimitedBackoffMs)
      this.#requeue(batch)
      return
    }
    this.#requeue({ ...batch, tried: new Set([...batch.tried, peer]) })
  }

  #requeue (batch: Batch): void {
    this.#queue.push(batch)
    this.#queue.sort((a, b) => a.start - b.start)
  }

  /** Verifies and applies a fetched range in order; on the first bad block, blames the peer and re-queues the rest. */
  async #apply (ready: Ready): Promise<void> {
    for (const [i, item] of ready.items.entries()) {
      const chain = this.#c.chain()
      const height = item.block.header.height
      if (height <= chain.height) continue
      let fault: SyncError | undefined
      try {
        checkNext(chain, item, this.#c.network, this.#c.shard, this.#c.verifier)
      } catch (err) {
        if (!(err instanceof SyncError)) throw err
        fault = err
      }
      if (fault === undefined) {
        try {
          await this.#c.apply(item.block, item.commit)
        } catch (err) {
          // consensus committed this height meanwhile: nothing wrong with the block or the peer
          if (this.#c.chain().height >= height) continue
          if (!this.#c.isBlockFault(err)) throw err
          const detail = faultDetail(err)
          fault = new SyncError('INVALID_BLOCK', `block ${height} refused: ${(err as Error).message}`, { ...(detail !== undefined ? { detail } : {}), cause: err })
        }
      }
      if (fault !== undefined) {
        this.#blame(ready.peer, fault)
        this.#requeue({ start: height, end: ready.end, tried: new Set([...ready.tried, ready.peer]), attempts: ready.attempts })
        return
      }
      if (this.#c.chain().height !== height) throw new Error(`apply of block ${height} did not make it the head (head is ${this.#c.chain().height})`)
      this.#c.onApplied(height)
      if (this.#signal.aborted && i < ready.items.length - 1) return
    }
  }

  /** Reports a peer's first invalid block of the run; what it sent before we knew is only discarded. */
  #blame (peer: string, fault: SyncError): void {
    if (this.#banned.has(peer)) return
    this.#banned.add(peer)
    const reason = fault.detail === undefined ? `sync:${fault.code}` : `sync:${fault.code}:${fault.detail}`
    this.#c.log.warn({ peer, code: fault.code, detail: fault.detail }, `sync: peer served an invalid block: ${fault.message}`)
    this.#c.reportPeer(peer, fault.action, reason)
  }

  #notify (): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  /** Waits for a request to settle, a cooling peer to become free, or the run to be aborted. */
  async #changed (): Promise<void> {
    const now = this.#c.now()
    const until = [...this.#cooling.values()].filter((t) => t > now)
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = until.length > 0 ? setTimeout(done, Math.min(...until) - now) : undefined
      this.#signal.addEventListener('abort', done, { once: true })
      this.#wake = done
    })
  }
}
