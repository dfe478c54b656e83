/**
 * In-process partitions (connection gater plus hang-up, no penalties): a 2/2 split halts finality on
 * both sides; a 3/1 split keeps the majority finalizing; after healing, all four converge on one chain.
 * "Halted" is a property over time, so it is observed over a window: for 10 × the propose timeout no
 * node's height moves (polled every 100 ms). The window is the assertion itself, not a stand-in for
 * waiting on an event; everything else waits on observed state with a deadline.
 */
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, FAST_CONSENSUS, type Cluster } from './cluster.ts'
import { waitFor } from '../helpers/wait.ts'
import type { Node } from '../../src/node/index.ts'

async function split (groups: Node[][]): Promise<void> {
  for (const group of groups) {
    const others = groups.filter((g) => g !== group).flat().map((n) => n.peerId.toString())
    await Promise.all(group.map(async (n) => n.host.partition(others)))
  }
}

function heal (nodes: Node[]): void {
  for (const n of nodes) n.host.heal()
}

async function sameBlock (nodes: Node[], height: number): Promise<void> {
  const cids = await Promise.all(nodes.map(async (n) => (await n.ledger.chain.blockAt(height))?.cid.toString()))
  assert.ok(cids[0] !== undefined, `block ${height} exists`)
  assert.deepEqual(cids, cids.map(() => cids[0]), `all nodes hold the same block ${height}`)
}

const height = (n: Node): number => n.status().height ?? -1

/** Asserts that no node's height changes during `ms`, polling every 100 ms. */
async function assertNoProgress (nodes: Node[], ms: number): Promise<number[]> {
  const start = nodes.map(height)
  const end = Date.now() + ms
  while (Date.now() < end) {
    assert.deepEqual(nodes.map(height), start, 'no node finalized a block while the network was split')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return start
}

describe('partitions', () => {
  let cluster: Cluster
  let nodes: Node[]

  before(async () => {
    cluster = await startCluster({ validators: 4 })
    for (let i = 0; i < 4; i++) await cluster.start(i)
    nodes = cluster.running()
    await cluster.waitForHeight(3)
  })
  after(async () => { await cluster.close() })

  test('a 2/2 split halts finality on both sides; healing resumes it on one chain', async () => {
    await split([[nodes[0]!, nodes[1]!], [nodes[2]!, nodes[3]!]])
    // Once every connection across the split is gone, no message crosses it: watch the heights stand still.
    await waitFor(() => nodes.every((n) => n.status().verifiedPeers === 1), { what: 'each node left with its one partner' })
    const heights = await assertNoProgress(nodes, 10 * FAST_CONSENSUS.timeoutProposeMs)
    const settled = Math.max(...heights)

    heal(nodes)
    await cluster.waitForHeight(settled + 3, nodes)
    await sameBlock(nodes, settled + 1)
    await sameBlock(nodes, settled + 3)
  })

  test('a 3/1 split keeps the majority finalizing; the lone node catches up after healing', async () => {
    const lone = nodes[3]!
    const majority = nodes.slice(0, 3)
    await split([majority, [lone]])
    const start = Math.max(...nodes.map(height))
    await cluster.waitForHeight(start + 5, majority)
    assert.ok(height(lone) <= start + 1, `the isolated node finalized nothing on its own (at ${height(lone)}, split at ${start})`)

    heal(nodes)
    const target = Math.max(...majority.map(height)) + 2
    await cluster.waitForHeight(target, nodes)
    for (let h = start; h <= target; h++) await sameBlock(nodes, h)
  })
})
