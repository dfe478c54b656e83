/** The sync driver between real hosts: initial sync, faulty and slow servers, catch-up triggers, progress. */
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../src/codec/index.ts'
import { blockId, type Block } from '../../src/ledger/index.ts'
import type { Commit } from '../../src/consensus/messages.ts'
import { waitFor } from '../helpers/wait.ts'
import { memoryReader, startReqRespNode, stopNodes, testChain, type ReqRespNode } from '../network/reqresp/fixtures.ts'
import { heights, requested, startSyncer, type Syncer } from './helpers.ts'

const HEIGHT = 150
const chain = testChain(HEIGHT)
const head = (): string => chain.tc.chain.headId.toString()

const running: Array<ReqRespNode | undefined> = []
const syncers: Syncer[] = []

async function server (reader = memoryReader(chain)): Promise<ReqRespNode> {
  const node = await startReqRespNode(chain, reader)
  running.push(node)
  return node
}

async function syncer (servers: ReqRespNode[], opts: Parameters<typeof startSyncer>[2] = {}): Promise<Syncer> {
  const s = await startSyncer(chain, servers, opts)
  syncers.push(s)
  running.push(s.node)
  return s
}

after(async () => {
  await Promise.all(syncers.map(async (s) => { await s.sync.stop() }))
  await stopNodes(running)
})

function tampered (tamper: (b: { block: Block, commit: Commit }) => { block: Block, commit: Commit }): ReturnType<typeof memoryReader> {
  return memoryReader(chain, { tamper })
}

describe('initial sync', () => {
  it('brings a node at genesis to the head of a 150-block chain, verifying and applying in order', async () => {
    const s = await syncer([await server()])
    await s.sync.initialSync()
    assert.equal(s.local.height, HEIGHT)
    assert.equal(s.local.headId.toString(), head())
    assert.deepEqual(s.applied, heights(1, HEIGHT), 'every block once, in height order')
    assert.equal(s.maxConcurrentApply, 1)
    assert.deepEqual(s.reports, [])
    const status = s.sync.status()
    assert.equal(status.syncing, false)
    assert.equal(status.height, HEIGHT)
    assert.equal(status.target, HEIGHT)
    assert.equal(status.peers, 1)
    assert.ok(status.blocksPerSecond > 0)
  })

  it('shows progress while it runs: status and a log line "sync: height X / target Y (Z blocks/s)"', async () => {
    const s = await syncer([await server()])
    await s.sync.initialSync()
    const mid = s.statusAt.get(75)
    assert.deepEqual(mid && { syncing: mid.syncing, height: mid.height, target: mid.target }, { syncing: true, height: 74, target: HEIGHT })
    const lines = s.logs.map((l) => l.msg).filter((m) => /^sync: height \d+ \/ target \d+ \([\d.]+ blocks\/s\)/.test(m))
    assert.ok(lines.length >= 1, `progress lines: ${JSON.stringify(s.logs.map((l) => l.msg))}`)
    assert.ok(lines.some((m) => m.startsWith(`sync: height ${HEIGHT} / target ${HEIGHT}`)), 'a final line at the head')
  })

  it('returns at once when there is no peer', async () => {
    const s = await syncer([])
    await s.sync.initialSync()
    assert.equal(s.local.height, 0)
    assert.deepEqual(s.ranges, [])
  })

  it('returns at once when no peer is ahead', async () => {
    const s = await syncer([await server(memoryReader(chain, { height: () => 10 }))], { startHeight: 10 })
    await s.sync.initialSync()
    assert.equal(s.local.height, 10)
    assert.deepEqual(s.ranges, [])
  })

  it('fetches from several peers in parallel, different ranges to each', async () => {
    const a = await server()
    const b = await server()
    const s = await syncer([a, b])
    await s.sync.initialSync()
    assert.equal(s.local.height, HEIGHT)
    assert.deepEqual(requested(s.ranges), heights(1, HEIGHT))
    assert.equal(s.ranges.length, Math.ceil(HEIGHT / 32), 'each range asked once')
  })
})

describe('faulty servers', () => {
  const cases: Array<{ name: string, tamper: Parameters<typeof tampered>[0], action: string, reason: string }> = [
    {
      name: 'a transaction dropped from the body',
      tamper: ({ block, commit }) => ({ block: { ...block, txs: block.txs.slice(1) }, commit }),
      action: 'low',
      reason: 'sync:INVALID_BLOCK:TX_ROOT_MISMATCH'
    },
    {
      name: 'a bad commit signature',
      tamper: ({ block, commit }) => {
        const [first, ...rest] = commit.signatures
        const bad = Uint8Array.from(first!.signature)
        bad[0] = bad[0]! ^ 0xff
        return { block, commit: { ...commit, signatures: [{ ...first!, signature: bad }, ...rest] } }
      },
      action: 'fatal',
      reason: 'sync:INVALID_COMMIT:COMMIT_BAD_SIGNATURE'
    },
    {
      name: 'a wrong parent link',
      tamper: ({ block, commit }) => ({ block: { ...block, header: { ...block.header, parent: cidOf({ forged: block.header.height }) } }, commit }),
      action: 'low',
      reason: 'sync:WRONG_PARENT'
    }
  ]
  for (const c of cases) {
    it(`reports a peer serving ${c.name} and completes from the honest one`, async () => {
      const bad = await server(tampered(c.tamper))
      const good = await server()
      const s = await syncer([bad, good])
      await s.sync.initialSync()
      assert.equal(s.local.height, HEIGHT)
      assert.equal(s.local.headId.toString(), head())
      assert.deepEqual(s.applied, heights(1, HEIGHT), 'no block applied twice or out of order')
      const reports = s.reports.filter((r) => r.peer === bad.id)
      assert.ok(reports.length >= 1, 'the corrupt server was asked and reported')
      assert.deepEqual(reports[0], { peer: bad.id, action: c.action, reason: c.reason })
      assert.deepEqual(s.reports.filter((r) => r.peer === good.id), [])
    })
  }

  it('retries the range of a server that times out on another peer', async () => {
    const honest = memoryReader(chain)
    const slow = await server({ ...honest, blocksRange: async () => new Promise(() => {}) })
    const good = await server()
    const s = await syncer([slow, good], { ttfbTimeoutMs: 2000 })
    await s.sync.initialSync()
    assert.equal(s.local.height, HEIGHT)
    assert.deepEqual(s.applied, heights(1, HEIGHT))
    const reports = s.reports.filter((r) => r.peer === slow.id)
    assert.ok(reports.length >= 1, 'the slow server was asked')
    assert.ok(reports.every((r) => r.action === 'mid' && r.reason === 'reqresp:blocks_by_range:TTFB_TIMEOUT'), JSON.stringify(reports))
  })
})

describe('catch-up', () => {
  it('onBehind fetches exactly the missing blocks, coalescing triggers', async () => {
    const srv = await server()
    const s = await syncer([srv], { startHeight: 100 })
    s.sync.onBehind(110, srv.id)
    s.sync.onBehind(121, srv.id)
    s.sync.onBehind(115)
    s.sync.onBehind(90)
    await waitFor(() => s.local.height === 120 && !s.sync.status().syncing, { what: 'catch-up to 120' })
    assert.deepEqual(s.applied, heights(101, 120))
    assert.deepEqual(requested(s.ranges), heights(101, 120), 'nothing beyond the blocks peers have finalized')
    assert.equal(s.maxConcurrentApply, 1)
    assert.equal(s.sync.status().target, 120)
  })

  it('fetchByCid fetches a block named by id and the blocks below it', async () => {
    const srv = await server()
    const s = await syncer([srv], { startHeight: 100 })
    const id = blockId(chain.tc.blocks[104]!.header)
    await s.sync.fetchByCid([id], srv.id)
    assert.equal(s.local.height, 105)
    assert.equal(s.local.headId.toString(), id.toString())
    assert.deepEqual(requested(s.ranges), heights(101, 104), 'block 105 itself came by CID')
  })

  it('stop() aborts the requests in flight and leaves the run', async () => {
    const honest = memoryReader(chain)
    const slow = await server({ ...honest, blocksRange: async () => new Promise(() => {}) })
    const s = await syncer([slow])
    const done = s.sync.initialSync()
    await waitFor(() => s.ranges.length > 0, { what: 'a range request' })
    assert.equal(s.sync.status().syncing, true)
    await s.sync.stop()
    await done
    assert.equal(s.sync.status().syncing, false)
    assert.equal(s.local.height, 0)
  })
})
