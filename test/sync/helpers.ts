/** A syncing node for sync tests: host + reqresp + an in-memory LedgerChain + the sync driver, all recorded. */
import { pino } from 'pino'
import type { Commit } from '../../src/consensus/messages.ts'
import { LedgerChain, type Block } from '../../src/ledger/index.ts'
import type { FetchedBlock, ReqResp } from '../../src/network/reqresp/index.ts'
import { createSync, type Sync, type SyncOptions, type SyncStatus } from '../../src/sync/index.ts'
import { waitFor } from '../helpers/wait.ts'
import { memoryReader, startReqRespNode, type BuiltChain, type ReqRespNode, type Report } from '../network/reqresp/fixtures.ts'

export interface Syncer {
  node: ReqRespNode
  local: LedgerChain
  sync: Sync
  /** Heights applied successfully, in order. */
  applied: number[]
  /** Every report: reqresp's and sync's. */
  reports: Report[]
  /** blocks_by_range requests sent: [start, count]. */
  ranges: Array<[number, number]>
  /** Parsed log lines. */
  logs: Array<{ msg: string, [k: string]: unknown }>
  /** status() as seen when block `n` was applied. */
  statusAt: Map<number, SyncStatus>
  /** Most apply calls ever running at once. */
  maxConcurrentApply: number
}

/** Starts a node at genesis (or at `startHeight` of `chain`) connected to `servers`, with a sync driver. */
export async function startSyncer (
  chain: BuiltChain, servers: ReqRespNode[], opts: { startHeight?: number, ttfbTimeoutMs?: number, sync?: Partial<SyncOptions> } = {}
): Promise<Syncer> {
  const node = await startReqRespNode(chain, memoryReader(chain, { height: () => 0 }), {
    bootstrap: servers.map((s) => s.host.multiaddrs()[0] ?? ''),
    ...(opts.ttfbTimeoutMs !== undefined ? { ttfbTimeoutMs: opts.ttfbTimeoutMs } : {})
  })
  await waitFor(() => servers.every((s) => node.host.isVerified(s.id)), { what: 'the syncer to verify every server' })
  const local = LedgerChain.fromGenesis(chain.tc.genesis)
  for (const block of chain.tc.blocks.slice(0, opts.startHeight ?? 0)) local.commit(block)
  const ranges: Array<[number, number]> = []
  const counting: ReqResp = {
    ...node.reqresp,
    requestStatus: node.reqresp.requestStatus.bind(node.reqresp),
    requestBlocksByCid: node.reqresp.requestBlocksByCid.bind(node.reqresp),
    requestBlocksByRange: async (peer, start, count, o): Promise<FetchedBlock[]> => {
      ranges.push([start, count])
      return node.reqresp.requestBlocksByRange(peer, start, count, o)
    }
  }
  const logs: Syncer['logs'] = []
  const syncer: Syncer = {
    node, local, applied: [], reports: node.reports, ranges, logs, statusAt: new Map(), maxConcurrentApply: 0
  } as unknown as Syncer
  let applying = 0
  syncer.sync = createSync({
    reqresp: counting,
    host: node.host,
    chain: () => local,
    networkId: chain.tc.network,
    apply: async (block: Block, _commit: Commit) => {
      applying++
      syncer.maxConcurrentApply = Math.max(syncer.maxConcurrentApply, applying)
      try {
        syncer.statusAt.set(block.header.height, syncer.sync.status())
        await Promise.resolve()
        local.commit(block)
        syncer.applied.push(block.header.height)
      } finally {
        applying--
      }
    },
    reportPeer: (peer, action, reason) => { node.reports.push({ peer, action, reason }) },
    logger: pino({ level: 'info' }, { write: (line: string) => { logs.push(JSON.parse(line) as Syncer['logs'][number]) } }),
    ...opts.sync
  })
  return syncer
}

/** 1, 2, …, n. */
export function heights (from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

/** Heights covered by the recorded range requests, each once, sorted. */
export function requested (ranges: Array<[number, number]>): number[] {
  return [...new Set(ranges.flatMap(([start, count]) => heights(start, start + count - 1)))].sort((a, b) => a - b)
}
