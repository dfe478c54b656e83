/**
 * A load run: signs `rate × duration` transfers from many accounts ahead of time, submits them at the
 * target rate over every node's API, watches finalized blocks, and reports throughput and latency.
 *
 *   1. status: every API on one network; each account's next nonce, balance and mana (funding check)
 *   2. sign: all transfers, each stamped with its due time (sign.ts)
 *   3. send: open-loop pacing (pacing.ts), each account to its own node (plan.ts)
 *   4. drain: wait until every accepted transfer is final, or the drain timeout
 *
 * Throughput and latency are taken over the measurement window [start + warmup, end of sending): the
 * first seconds fill the pipeline and the drain after the end empties it, neither is steady state.
 */
import type { KeyPair } from '../identity/index.ts'
import { LoadError } from './errors.ts'
import { checkRate, dueBy, plannedCount } from './pacing.ts'
import { summarize, type LatencySummary } from './percentile.ts'
import { assignAccounts, fundingPlan, type FundingPlan } from './plan.ts'
import { signTransfers, type PlannedTx } from './sign.ts'
import { accountInfos, networkInfo } from './status.ts'
import { Submitter } from './submit.ts'
import { LoadTracker, type BlockRecord } from './tracker.ts'
import { watchBlocks } from './watcher.ts'

export interface LoadOptions {
  /** Node API base URLs; transactions are spread over all of them. */
  apis: readonly string[]
  /** Funded accounts that send (at least 2). */
  keys: readonly KeyPair[]
  /** Offered transactions per second, over all nodes. */
  rate: number
  durationMs: number
  /** Credits per transfer. Default 1. */
  amount?: number
  /** API whose blocks decide finality. Default apis[0]. */
  watchApi?: string
  /** Start of the measurement window after the first due time. Default min(5 s, duration / 5). */
  warmupMs?: number
  /** How long to wait after sending for the last transfers to become final. Default 30 s. */
  drainTimeoutMs?: number
  /** Batch requests (`POST /txs`) in flight per node. Default 4 (submit.ts). */
  maxInFlight?: number
  /** Most transactions per request. Default 256 (submit.ts). */
  maxBatch?: number
  /** How long a partial batch waits for more transactions. Default 20 ms (submit.ts). */
  lingerMs?: number
  /** Block poll period. Default 100 ms. */
  pollMs?: number
  /** Refuse to run when the accounts cannot pay for it. Default true. */
  checkFunding?: boolean
  /** Called about once a second while sending and draining. */
  onProgress?: (p: LoadProgress) => void
  signal?: AbortSignal
  now?: () => number
}

export interface LoadProgress {
  phase: 'send' | 'drain'
  elapsedMs: number
  due: number
  submitted: number
  finalized: number
  pending: number
  backlog: number
  height: number
}

export interface LoadReport {
  nodes: number
  accounts: number
  rate: number
  durationMs: number
  warmupMs: number
  planned: number
  /** Accepted by a node. */
  submitted: number
  /** Refused for good, by code (NOT_SENT: still queued when the run stopped). */
  refused: Record<string, number>
  /** Times a node pushed back and the transfer was sent again. */
  retries: number
  /** Of ours, final (with any receipt). */
  finalized: number
  /** Final with a failed receipt. */
  failed: number
  /** Accepted but not final when the drain ended. */
  unfinalized: number
  /** How late sending started after the first due time (signing took longer than planned). */
  startLagMs: number
  /** Accepted per second over the sending period. */
  submittedTxPerSec: number
  /** Ours finalized per second, seen within the measurement window. */
  finalizedTxPerSec: number
  /** Submit time − due time: generator lag plus the HTTP round trip, of transfers in the window. */
  acceptLatencyMs: LatencySummary | undefined
  /** Finalization seen − due time, of transfers due in the window. */
  latencyMs: LatencySummary | undefined
  /** The same over every finalized transfer of the run. */
  allLatencyMs: LatencySummary | undefined
  blocks: {
    count: number
    firstHeight: number | null
    lastHeight: number | null
    /** Blocks decided in a round above 0 (a proposer missed its slot or a round timed out). */
    roundsAboveZero: number
    /** Mean block-time gap between consecutive blocks seen. */
    meanIntervalMs: number | null
    /** Mean transactions per block in the measurement window. */
    txPerBlock: number | null
  }
  funding: FundingPlan
}

export interface LoadResult {
  report: LoadReport
  /** Every block seen during the run. */
  blocks: readonly BlockRecord[]
}

const SIGN_SLICE = 500

async function yieldToLoop (): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
}

/** Signs in slices, yielding between them (in-process nodes keep running while we sign). */
async function signAll (o: Parameters<typeof signTransfers>[0]): Promise<PlannedTx[]> {
  const out: PlannedTx[] = []
  for (let from = 0; from < o.total; from += SIGN_SLICE) {
    out.push(...signTransfers({ ...o, from, to: from + SIGN_SLICE }))
    await yieldToLoop()
  }
  return out
}

function blockStats (blocks: readonly BlockRecord[], from: number, to: number): LoadReport['blocks'] {
  const first = blocks[0]
  const last = blocks[blocks.length - 1]
  let intervals = 0
  for (let i = 1; i < blocks.length; i++) intervals += (blocks[i] as BlockRecord).time - (blocks[i - 1] as BlockRecord).time
  const inWindow = blocks.filter((b) => b.seenAt >= from && b.seenAt < to)
  return {
    count: blocks.length,
    firstHeight: first?.height ?? null,
    lastHeight: last?.height ?? null,
    roundsAboveZero: blocks.filter((b) => b.round > 0).length,
    meanIntervalMs: blocks.length > 1 ? intervals / (blocks.length - 1) : null,
    txPerBlock: inWindow.length > 0 ? inWindow.reduce((n, b) => n + b.txs, 0) / inWindow.length : null
  }
}

export async function runLoad (o: LoadOptions): Promise<LoadResult> {
  const now = o.now ?? Date.now
  checkRate(o.rate)
  const total = plannedCount(o.rate, o.durationMs)
  if (o.apis.length === 0) throw new LoadError('INVALID_OPTION', 'no node API given', { field: 'api' })
  const slots = assignAccounts(o.keys.length, o.apis.length)
  const amount = o.amount ?? 1
  const warmupMs = o.warmupMs ?? Math.min(5_000, Math.floor(o.durationMs / 5))

  // 1. status and funding
  const net = await networkInfo(o.apis)
  const accounts = await accountInfos(slots.map((s) => ({ api: o.apis[s.target] as string, did: (o.keys[s.account] as KeyPair).did })))
  const funding = fundingPlan({
    total,
    accounts: slots.length,
    amount,
    balance: Math.min(...accounts.map((a) => a.balance)),
    mana: Math.min(...accounts.map((a) => a.mana))
  })
  const shortfall = funding.shortfalls[0]
  if (shortfall !== undefined && o.checkFunding !== false) throw new LoadError('UNFUNDED', shortfall.message, { field: shortfall.field })

  // 2. sign, stamped with due times from a start far enough ahead to finish signing first
  const base = { keys: o.keys, slots, nonces: accounts.map((a) => a.nextNonce), total, rate: o.rate, network: net.networkId, shards: net.shards, amount }
  const probe = Math.min(200, total)
  const probeStart = now()
  signTransfers({ ...base, startAt: 0, to: probe })
  const perTxMs = (now() - probeStart) / Math.max(1, probe)
  const startAt = now() + Math.ceil(perTxMs * total * 1.5) + 500
  const planned = await signAll({ ...base, startAt })

  const tracker = new LoadTracker()
  for (const tx of planned) tracker.expect(tx.id, tx.timestamp)
  const watchApi = o.watchApi ?? (o.apis[0] as string)
  const watchIndex = o.apis.indexOf(watchApi)
  const watcher = watchBlocks({
    apiUrl: watchApi,
    from: (watchIndex >= 0 ? net.heights[watchIndex] : (await networkInfo([watchApi])).heights[0]) as number + 1,
    onBlock: (block, seenAt) => { tracker.observe(block, seenAt) },
    ...(o.pollMs !== undefined ? { intervalMs: o.pollMs } : {}),
    now
  })
  const submitter = new Submitter({
    apis: o.apis,
    ...(o.maxInFlight !== undefined ? { maxInFlight: o.maxInFlight } : {}),
    ...(o.maxBatch !== undefined ? { maxBatch: o.maxBatch } : {}),
    ...(o.lingerMs !== undefined ? { lingerMs: o.lingerMs } : {}),
    onAccepted: (tx) => { tracker.submitted(tx.id, now()) },
    onRefused: (tx, code) => { tracker.refused(tx.id, code) }
  })

  let lastProgress = 0
  const progress = (phase: LoadProgress['phase'], due: number): void => {
    if (o.onProgress === undefined || now() - lastProgress < 1000) return
    lastProgress = now()
    o.onProgress({
      phase, elapsedMs: now() - startAt, due, submitted: tracker.submittedCount, finalized: tracker.finalizedCount,
      pending: tracker.pendingCount, backlog: submitter.backlog, height: watcher.next - 1
    })
  }
  try {
    // 3. send
    while (now() < startAt && o.signal?.aborted !== true) await new Promise((resolve) => setTimeout(resolve, Math.min(50, startAt - now())))
    const sendStart = now()
    const startLagMs = Math.max(0, sendStart - startAt)
    lastProgress = sendStart
    let sent = 0
    while (sent < total && o.signal?.aborted !== true) {
      const due = dueBy(now() - startAt, o.rate, total)
      for (; sent < due; sent++) submitter.enqueue(planned[sent] as PlannedTx)
      progress('send', due)
      if (sent < total) await new Promise((resolve) => setTimeout(resolve, 2))
    }
    const endAt = startAt + o.durationMs
    await Promise.race([submitter.idle(), abortOf(o.signal)])
    const sendEnd = now()

    // 4. drain
    const drainUntil = now() + (o.drainTimeoutMs ?? 30_000)
    while (tracker.pendingCount > 0 && now() < drainUntil && o.signal?.aborted !== true) {
      progress('drain', total)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    submitter.stop()
    await watcher.stop()

    const windowStart = startAt + warmupMs
    const windowEnd = Math.max(endAt, windowStart + 1)
    const accepts = acceptLatencies(planned, tracker, windowStart, windowEnd)
    const report: LoadReport = {
      nodes: o.apis.length,
      accounts: slots.length,
      rate: o.rate,
      durationMs: o.durationMs,
      warmupMs,
      planned: total,
      submitted: tracker.submittedCount,
      refused: tracker.refusals,
      retries: submitter.retries,
      finalized: tracker.finalizedCount,
      failed: tracker.failedCount,
      unfinalized: tracker.pendingCount,
      startLagMs,
      submittedTxPerSec: tracker.submittedCount / (Math.max(1, sendEnd - sendStart) / 1000),
      finalizedTxPerSec: tracker.finalizedBetween(windowStart, windowEnd) / ((windowEnd - windowStart) / 1000),
      acceptLatencyMs: summarize(accepts),
      latencyMs: tracker.latency(windowStart, windowEnd),
      allLatencyMs: tracker.latency(),
      blocks: blockStats(tracker.blocks, windowStart, windowEnd),
      funding
    }
    return { report, blocks: tracker.blocks }
  } finally {
    submitter.stop()
    await watcher.stop()
  }
}

function acceptLatencies (planned: readonly PlannedTx[], tracker: LoadTracker, from: number, to: number): number[] {
  const out: number[] = []
  for (const tx of planned) {
    if (tx.timestamp < from || tx.timestamp >= to) continue
    const at = tracker.submittedAt(tx.id)
    if (at !== undefined) out.push(at - tx.timestamp)
  }
  return out
}

async function abortOf (signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(() => {})
  if (signal.aborted) return
  await new Promise<void>((resolve) => { signal.addEventListener('abort', () => { resolve() }, { once: true }) })
}
