import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { LoadTracker, toObservedBlock } from '../../src/load/index.ts'

describe('load tracker', () => {
  test('latency is the time the block was seen minus the signed timestamp', () => {
    const t = new LoadTracker()
    t.expect('a', 1000)
    t.expect('b', 1010)
    t.submitted('a', 1003)
    t.submitted('b', 1012)
    assert.equal(t.pendingCount, 2)
    const ours = t.observe({ height: 5, round: 0, time: 1400, txs: [{ id: 'a', timestamp: 1000, ok: true }, { id: 'x', timestamp: 900, ok: true }] }, 1500)
    assert.equal(ours, 1)
    t.observe({ height: 6, round: 1, time: 1900, txs: [{ id: 'b', timestamp: 1010, ok: false }] }, 2010)
    assert.deepEqual(t.latencies().sort((x, y) => x - y), [500, 1000])
    assert.equal(t.finalizedCount, 2)
    assert.equal(t.failedCount, 1)
    assert.equal(t.pendingCount, 0)
    assert.deepEqual(t.blocks.map((b) => [b.height, b.round, b.txs, b.ours]), [[5, 0, 2, 1], [6, 1, 1, 1]])
  })

  test('windows select by signed timestamp (latency) and by time seen (throughput)', () => {
    const t = new LoadTracker()
    for (let i = 0; i < 10; i++) { t.expect(`t${i}`, i * 100); t.submitted(`t${i}`, i * 100 + 1) }
    t.observe({ height: 1, round: 0, time: 0, txs: [0, 1, 2, 3, 4].map((i) => ({ id: `t${i}`, timestamp: i * 100, ok: true })) }, 600)
    t.observe({ height: 2, round: 0, time: 0, txs: [5, 6, 7, 8, 9].map((i) => ({ id: `t${i}`, timestamp: i * 100, ok: true })) }, 1100)
    assert.deepEqual(t.latencies(200, 500), [400, 300, 200])
    assert.equal(t.finalizedBetween(0, 1000), 5)
    assert.equal(t.finalizedBetween(0, 1101), 10)
    assert.equal(t.latency(0, 500)?.count, 5)
  })

  test('a refused transfer is not waited for and is counted by code; a second sighting changes nothing', () => {
    const t = new LoadTracker()
    t.expect('a', 0)
    t.expect('b', 0)
    t.submitted('a', 1)
    t.refused('b', 'BAD_SIGNATURE')
    t.refused('b', 'BAD_SIGNATURE')
    assert.deepEqual(t.refusals, { BAD_SIGNATURE: 1 })
    assert.equal(t.pendingCount, 1)
    t.observe({ height: 1, round: 0, time: 0, txs: [{ id: 'a', timestamp: 0, ok: true }] }, 50)
    t.observe({ height: 2, round: 0, time: 0, txs: [{ id: 'a', timestamp: 0, ok: true }] }, 90)
    assert.deepEqual(t.latencies(), [50])
    assert.equal(t.finalizedCount, 1)
  })

  test('a block from GET /blocks/:height is read with its receipts', () => {
    const block = toObservedBlock({
      height: 7,
      header: { round: 2, timestamp: 5000 },
      txs: [{ id: 'bafy1', timestamp: 4000 }, { id: 'bafy2', timestamp: 4100 }],
      receipts: [{ ok: true }, { ok: false }]
    })
    assert.deepEqual(block, { height: 7, round: 2, time: 5000, txs: [{ id: 'bafy1', timestamp: 4000, ok: true }, { id: 'bafy2', timestamp: 4100, ok: false }] })
  })
})
