/**
 * Finalization as a client sees it: polls one node's `GET /status` for its head height and fetches
 * every new block (`GET /blocks/:height`) in order. Every stored block carries its commit
 * certificate, so a block the API serves is final (SPEC §7). The poll period bounds how late a
 * finalization is noticed (half of it on average).
 */
import type { ObservedBlock } from './tracker.ts'

export interface WatchOptions {
  apiUrl: string
  /** First height to report. */
  from: number
  onBlock: (block: ObservedBlock, seenAt: number) => void
  /** Default 100 ms. */
  intervalMs?: number
  /** Per request. Default 10 s (a full block is a few MB of JSON). */
  requestTimeoutMs?: number
  now?: () => number
  onError?: (err: unknown) => void
}

export interface BlockWatcher {
  /** Next height it will report. */
  readonly next: number
  /** Resolves once every block up to `height` was reported (or the watcher stopped). */
  reached: (height: number) => Promise<void>
  stop: () => Promise<void>
}

interface BlockJson {
  height: number
  header: { round: number, timestamp: number }
  txs: Array<{ id: string, timestamp: number }>
  receipts: Array<{ ok: boolean }>
}

export function toObservedBlock (json: BlockJson): ObservedBlock {
  return {
    height: json.height,
    round: json.header.round,
    time: json.header.timestamp,
    txs: json.txs.map((tx, i) => ({ id: tx.id, timestamp: tx.timestamp, ok: json.receipts[i]?.ok ?? false }))
  }
}

async function getJson<T> (url: string, timeoutMs: number): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  if (res.status !== 200) {
    await res.body?.cancel()
    throw new Error(`GET ${url} answered ${res.status}`)
  }
  return await res.json() as T
}

export function watchBlocks (o: WatchOptions): BlockWatcher {
  const now = o.now ?? Date.now
  const interval = o.intervalMs ?? 100
  const timeout = o.requestTimeoutMs ?? 10_000
  let next = o.from
  let running = true
  let timer: NodeJS.Timeout | undefined
  let wake: (() => void) | undefined
  const waiters: Array<{ height: number, resolve: () => void }> = []

  const settle = (): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i] as { height: number, resolve: () => void }
      if (!running || w.height < next) { waiters.splice(i, 1); w.resolve() }
    }
  }

  const loop = async (): Promise<void> => {
    while (running) {
      try {
        const status = await getJson<{ height: number | null }>(`${o.apiUrl}/status`, timeout)
        const head = status.height ?? -1
        while (running && next <= head) {
          const json = await getJson<BlockJson>(`${o.apiUrl}/blocks/${next}`, timeout)
          o.onBlock(toObservedBlock(json), now())
          next++
          settle()
        }
      } catch (err) {
        if (running) o.onError?.(err)
      }
      if (!running) break
      await new Promise<void>((resolve) => { wake = resolve; timer = setTimeout(resolve, interval) })
    }
    settle()
  }
  const done = loop()

  return {
    get next () { return next },
    reached: async (height) => {
      if (height < next || !running) return
      await new Promise<void>((resolve) => { waiters.push({ height, resolve }) })
    },
    stop: async () => {
      running = false
      if (timer !== undefined) clearTimeout(timer)
      wake?.()
      await done
    }
  }
}
