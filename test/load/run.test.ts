/**
 * A short, slow run against four in-process validators (test/e2e/cluster.ts): every transfer the
 * nodes accept becomes final, each is seen once, and latencies are positive and below the run's
 * span. No timing thresholds: only what must hold on any machine.
 */
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, type Cluster } from '../e2e/cluster.ts'
import { LoadError, runLoad } from '../../src/load/index.ts'

describe('a load run on a 4-validator cluster', () => {
  let cluster: Cluster
  let apis: string[]

  before(async () => {
    cluster = await startCluster({ validators: 4, members: 6 })
    for (let i = 0; i < 4; i++) await cluster.start(i)
    await cluster.waitForHeight(2)
    apis = cluster.running().map((n) => n.api?.url ?? '')
  })
  after(async () => { await cluster.close() })

  test('every accepted transfer is finalized, with a positive latency shorter than the run', async () => {
    const started = Date.now()
    const { report, blocks } = await runLoad({ apis, keys: cluster.memberKeys, rate: 8, durationMs: 3_000, drainTimeoutMs: 30_000, pollMs: 50 })
    const span = Date.now() - started
    assert.equal(report.planned, 24)
    assert.equal(report.submitted, 24)
    assert.deepEqual(report.refused, {})
    assert.equal(report.finalized, 24)
    assert.equal(report.failed, 0, 'every receipt is ok')
    assert.equal(report.unfinalized, 0)
    const all = report.allLatencyMs
    assert.ok(all !== undefined && all.count === 24)
    assert.ok(all.min > 0, `latencies are positive (min ${all.min})`)
    assert.ok(all.max < span, `latencies fit in the run (max ${all.max} of ${span} ms)`)
    assert.ok(all.p50 <= all.p99 && all.p99 <= all.max)
    assert.equal(blocks.reduce((n, b) => n + b.ours, 0), 24, 'each transfer is in exactly one block seen')
    const heights = blocks.map((b) => b.height)
    assert.deepEqual(heights, [...heights].sort((a, b) => a - b), 'blocks are seen in height order')
    assert.equal(new Set(heights).size, heights.length)
    // the ring of transfers leaves every sender's balance where it was: each paid 4 and received 4
    for (const key of cluster.memberKeys) assert.equal(cluster.node(0).ledger.account(key.did)?.balance, 1_000_000)
  })

  test('a run the accounts cannot pay for is refused before anything is sent', async () => {
    // cluster members have no reputation: capacity 1 000 mana, 10 transfers each at most
    const height = cluster.node(0).status().height ?? 0
    await assert.rejects(
      runLoad({ apis, keys: cluster.memberKeys, rate: 100, durationMs: 2_000 }),
      (err: unknown) => err instanceof LoadError && err.code === 'UNFUNDED' && err.field === 'mana'
    )
    assert.equal(cluster.node(0).ledger.mempool.size, 0, 'nothing was submitted')
    assert.ok((cluster.node(0).status().height ?? 0) >= height)
  })
})
