/**
 * The sync driver against in-memory peers (no network): short answers, rate limits, a head that moves
 * under the run, local apply failures. Peers serve straight from a built test chain.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { encodeBlock, blockId, LedgerChain, type Block } from '../../src/ledger/index.ts'
import { ReqRespError, type FetchedBlock, type PeerAction, type ReqResp, type StatusMessage } from '../../src/network/reqresp/index.ts'
import type { PeerSummary } from '../../src/network/index.ts'
import { createSync, type Sync, type SyncOptions } from '../../src/sync/index.ts'
import { testChain } from '../network/reqresp/fixtures.ts'
import { heights } from './helpers.ts'
import { waitFor } from '../helpers/wait.ts'

const chain = testChain(150)

interface FakePeer {
  /** Final head the peer reports and serves up to. */
  height: number
  /** Replaces the answer to a range request. */
  range?: (start: number, count: number, call: number) => Promise<FetchedBlock[]> | undefined
}

function fetched (h: number): FetchedBlock {
  const block = chain.tc.blocks[h - 1]!
  return { block, cid: blockId(block.header), commit: chain.commits[h - 1]!, bytes: encodeBlock(block).byteLength }
}

function setup (peers: Record<string, FakePeer>, opts: { startHeight?: number, apply?: (block: Block, local: LedgerChain) => Promise<void>, sync?: Partial<SyncOptions> } = {}): {
  sync: Sync, local: LedgerChain, ranges: Array<[string, number, number]>, reports: Array<[string, PeerAction, string]>
} {
  const local = LedgerChain.fromGenesis(chain.tc.genesis)
  for (const block of chain.tc.blocks.slice(0, opts.startHeight ?? 0)) local.commit(block)
  const ranges: Array<[string, number, number]> = []
  const reports: Array<[string, PeerAction, string]> = []
  const calls = new Map<string, number>()
  const ref = (h: number): StatusMessage['head'] => ({ height: h, cid: h === 0 ? local.headId : blockId(chain.tc.blocks[h - 1]!.header) })
  const reqresp: Pick<ReqResp, 'requestStatus' | 'requestBlocksByRange' | 'requestBlocksByCid'> = {
    requestStatus: async (peer) => {
      const p = peers[peer]!
      return { networkId: chain.tc.network, head: ref(p.height), finalized: ref(p.height) }
    },
    requestBlocksByRange: async (peer, start, count, o) => {
      ranges.push([peer, start, count])
      const call = (calls.get(peer) ?? 0) + 1
      calls.set(peer, call)
      const p = peers[peer]!
      const custom = p.range?.(start, count, call)
      if (custom !== undefined) {
        return Promise.race([custom, new Promise<never>((_resolve, reject) => {
          o?.signal?.addEventListener('abort', () => { reject(new ReqRespError('ABORTED', 'aborted')) })
        })])
      }
      return heights(start, Math.min(p.height, start + count - 1)).map(fetched)
    },
    requestBlocksByCid: async () => []
  }
  const host = {
    peers: (): PeerSummary[] => Object.keys(peers).map((peerId) => ({ peerId, did: null, addrs: [], direction: 'outbound', verified: true }))
  }
  const sync = createSync({
    reqresp,
    host,
    chain: () => local,
    networkId: chain.tc.network,
    apply: async (block) => {
      if (opts.apply !== undefined) await opts.apply(block, local)
      else local.commit(block)
    },
    reportPeer: (peer, action, reason) => { reports.push([peer, action, reason]) },
    batchSize: 16,
    ...opts.sync
  })
  return { sync, local, ranges, reports }
}

describe('sync driver', () => {
  it('takes what a peer has and the rest from one that has more', async () => {
    const { sync, local, ranges, reports } = setup({ short: { height: 40 }, long: { height: 100 } })
    await sync.initialSync()
    assert.equal(local.height, 100)
    assert.ok(ranges.filter(([p]) => p === 'short').every(([, start]) => start <= 40), 'the short peer is not asked beyond its head')
    assert.deepEqual(reports, [])
  })

  it('leaves a rate-limited peer alone for a while, then asks it again', async () => {
    const { sync, local, ranges } = setup({
      only: { height: 50, range: (_s, _c, call) => call === 1 ? Promise.reject(new ReqRespError('RATE_LIMITED', 'slow down')) : undefined }
    }, { sync: { rateLimitedBackoffMs: 20 } })
    await sync.initialSync()
    assert.equal(local.height, 50)
    assert.deepEqual(ranges[0], ['only', 1, 16])
    assert.ok(ranges.slice(1).some(([, start]) => start === 1), 'the refused batch was asked again')
  })

  it('gives up a batch no peer can serve, and returns', async () => {
    const { sync, local, ranges } = setup({ a: { height: 30, range: () => Promise.reject(new ReqRespError('SERVER_ERROR', 'x')) } }, { sync: { maxStalledRounds: 2 } })
    await sync.initialSync()
    assert.equal(local.height, 0)
    assert.equal(ranges.filter(([, start]) => start === 1).length, 2, 'once per round, two rounds')
  })

  it('skips blocks that consensus committed meanwhile, blaming nobody', async () => {
    // the peer's answer for 1–16 arrives after the node already committed 1–5 on its own
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    const { sync, local, ranges, reports } = setup({
      p: { height: 40, range: (start, count, call) => call === 1 ? gate.then(() => heights(start, start + count - 1).map(fetched)) : undefined }
    })
    const done = sync.initialSync()
    await waitFor(() => ranges.length > 0, { what: 'the first range request' })
    for (const block of chain.tc.blocks.slice(0, 5)) local.commit(block)
    release()
    await done
    assert.equal(local.height, 40)
    assert.deepEqual(reports, [])
  })

  it('stops on a local apply failure, blaming nobody, and rejects initialSync', async () => {
    const disk = new Error('disk full')
    const { sync, local, reports } = setup({ p: { height: 40 } }, {
      apply: async (block, l) => {
        if (block.header.height === 10) throw disk
        l.commit(block)
      }
    })
    await assert.rejects(sync.initialSync(), (err) => err === disk)
    assert.equal(local.height, 9)
    assert.deepEqual(reports, [])
    assert.equal(sync.status().syncing, false)
  })

  it('onBehind prefers the peer that saw the later height', async () => {
    const { sync, local, ranges } = setup({ a: { height: 60 }, b: { height: 60 }, c: { height: 60 } }, { startHeight: 20 })
    sync.onBehind(31, 'c')
    await sync.initialSync() // queued behind the catch-up run: returns once nobody is ahead
    assert.equal(ranges[0]?.[0], 'c')
    assert.deepEqual(ranges[0]?.slice(1), [21, 10])
    assert.equal(local.height, 60)
  })
})
