/**
 * Four validators as real in-process nodes over TCP: they agree on one chain, finalize transactions
 * submitted anywhere, and a fifth node that starts 50 blocks late catches up through sync and follows.
 */
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, type Cluster } from './cluster.ts'
import { waitFor } from '../helpers/wait.ts'
import type { Node } from '../../src/node/index.ts'

async function blockSummary (node: Node, height: number): Promise<{ cid: string, stateRoot: string }> {
  const stored = await node.ledger.chain.blockAt(height)
  assert.ok(stored !== undefined, `node has block ${height}`)
  return { cid: stored.cid.toString(), stateRoot: Buffer.from(stored.block.header.stateRoot).toString('hex') }
}

describe('a 4-validator network', () => {
  let cluster: Cluster

  before(async () => {
    cluster = await startCluster({ validators: 4, ...(process.env.ICN_TEST_LOG !== undefined ? { logLevel: process.env.ICN_TEST_LOG } : {}) })
    for (let i = 0; i < 4; i++) await cluster.start(i)
  })
  after(async () => { await cluster.close() })

  test('finalizes at least 20 blocks with identical CIDs and state roots on every node', async () => {
    await cluster.waitForHeight(20)
    const nodes = cluster.running()
    for (let h = 1; h <= 20; h++) {
      const summaries = await Promise.all(nodes.map(async (n) => blockSummary(n, h)))
      for (const s of summaries) assert.deepEqual(s, summaries[0], `block ${h} agrees`)
      const commit = await nodes[0]!.ledger.chain.commitAt(h)
      assert.ok(commit !== undefined && commit.signatures.length >= 3, `block ${h} carries a commit of more than 2/3`)
    }
  })

  test('transactions submitted to any node are finalized and visible on all', async () => {
    const [alice, bob] = cluster.memberKeys as [typeof cluster.memberKeys[0], typeof cluster.memberKeys[0]]
    const ids = [
      await cluster.submit(cluster.node(1), alice, 'transfer', { to: bob.did, amount: 250 }),
      await cluster.submit(cluster.node(3), bob, 'transfer', { to: alice.did, amount: 100 })
    ]
    for (const node of cluster.running()) {
      for (const id of ids) {
        const status = await waitFor(async () => {
          const s = await node.ledger.txStatus(id)
          return s.status === 'final' ? s : undefined
        }, { what: `tx ${id.toString()} final on ${node.did}` })
        assert.equal(status.receipt?.ok, true)
      }
    }
    const heights = await Promise.all(cluster.running().map(async (n) => { const s = await n.ledger.txStatus(ids[0]!); return s.status === 'final' ? s.height : -1 }))
    assert.equal(new Set(heights).size, 1, 'the transaction is in the same block everywhere')
    for (const node of cluster.running()) {
      assert.equal(node.ledger.account(alice.did)?.balance, 1_000_000 - 250 + 100)
      assert.equal(node.ledger.account(bob.did)?.balance, 1_000_000 + 250 - 100)
    }
  })

  test('a fifth node started 50 blocks late syncs to the head and follows', async () => {
    await cluster.waitForHeight(50)
    const late = await cluster.start(4)
    const target = cluster.node(0).status().height ?? 0
    await waitFor(() => (late.status().height ?? 0) >= target, { timeout: 60_000, what: `late node to reach ${target}` })
    // It follows: new blocks keep arriving after the catch-up, and they are the validators' blocks.
    await cluster.waitForHeight(target + 5, [late])
    const h = target + 5
    assert.deepEqual(await blockSummary(late, h), await blockSummary(cluster.node(0), h))
    assert.equal(late.status().validator, false, 'an observer is not in the validator set')
    // Sync runs a status round every second; between rounds the node is simply following.
    await waitFor(() => !late.status().syncing, { what: 'the late node between sync checks' })
  })
})
