/**
 * What happened to every transaction of a run: submitted (and when), refused (and why), finalized
 * (in which block, seen when). Latency of a transaction = the time its block was seen final − its
 * signed timestamp (its due time, see sign.ts), so time spent waiting in the generator, the HTTP
 * request, the mempool, gossip, consensus, the commit and the observer's poll are all included.
 */
import { summarize, type LatencySummary } from './percentile.ts'

/** A finalized block as the generator sees it (GET /blocks/:height, trimmed). */
export interface ObservedBlock {
  height: number
  round: number
  /** Block time (header.timestamp), ms. */
  time: number
  txs: Array<{ id: string, timestamp: number, ok: boolean }>
}

interface Entry {
  timestamp: number
  submittedAt?: number
  refused?: string
  finalAt?: number
  ok?: boolean
}

export interface BlockRecord {
  height: number
  round: number
  time: number
  seenAt: number
  txs: number
  /** Of them, transactions of this run. */
  ours: number
}

export class LoadTracker {
  readonly #entries = new Map<string, Entry>()
  readonly #blocks: BlockRecord[] = []
  readonly #refusals = new Map<string, number>()
  #submitted = 0
  #finalized = 0
  #failed = 0

  /** A transaction of the run, before it is sent. */
  expect (id: string, timestamp: number): void {
    if (!this.#entries.has(id)) this.#entries.set(id, { timestamp })
  }

  /** The node accepted it (202, or 409 ALREADY_KNOWN for a re-sent one) at `at`. */
  submitted (id: string, at: number): void {
    const e = this.#entries.get(id)
    if (e === undefined || e.submittedAt !== undefined) return
    e.submittedAt = at
    this.#submitted++
  }

  /** The node refused it for good with `code`: it will not be waited for. */
  refused (id: string, code: string): void {
    const e = this.#entries.get(id)
    if (e === undefined || e.refused !== undefined || e.finalAt !== undefined) return
    e.refused = code
    this.#refusals.set(code, (this.#refusals.get(code) ?? 0) + 1)
  }

  /** A finalized block, seen at `seenAt`; returns how many of its transactions are this run's. */
  observe (block: ObservedBlock, seenAt: number): number {
    let ours = 0
    for (const tx of block.txs) {
      const e = this.#entries.get(tx.id)
      if (e === undefined || e.finalAt !== undefined) continue
      e.finalAt = seenAt
      e.ok = tx.ok
      ours++
      this.#finalized++
      if (!tx.ok) this.#failed++
    }
    this.#blocks.push({ height: block.height, round: block.round, time: block.time, seenAt, txs: block.txs.length, ours })
    return ours
  }

  /** When the node accepted transaction `id`, if it did. */
  submittedAt (id: string): number | undefined {
    return this.#entries.get(id)?.submittedAt
  }

  get expected (): number { return this.#entries.size }
  get submittedCount (): number { return this.#submitted }
  get finalizedCount (): number { return this.#finalized }
  /** Final with a failed receipt (insufficient mana or balance at execution…). */
  get failedCount (): number { return this.#failed }
  get refusals (): Record<string, number> { return Object.fromEntries(this.#refusals) }
  get blocks (): readonly BlockRecord[] { return this.#blocks }

  /** Submitted and neither final nor refused: what the run still waits for. */
  get pendingCount (): number {
    let n = 0
    for (const e of this.#entries.values()) if (e.submittedAt !== undefined && e.finalAt === undefined && e.refused === undefined) n++
    return n
  }

  /** Latency (ms) of every finalized transaction whose timestamp is in [from, to). */
  latencies (from = -Infinity, to = Infinity): number[] {
    const out: number[] = []
    for (const e of this.#entries.values()) {
      if (e.finalAt !== undefined && e.timestamp >= from && e.timestamp < to) out.push(e.finalAt - e.timestamp)
    }
    return out
  }

  latency (from?: number, to?: number): LatencySummary | undefined {
    return summarize(this.latencies(from, to))
  }

  /** Transactions of this run seen final in [from, to), by the time their block was seen. */
  finalizedBetween (from: number, to: number): number {
    let n = 0
    for (const b of this.#blocks) if (b.seenAt >= from && b.seenAt < to) n += b.ours
    return n
  }
}
