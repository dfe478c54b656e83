/**
 * The gossip service over real libp2p hosts on 127.0.0.1: three honest nodes and one that publishes
 * garbage on every topic. Valid votes, proposals and transactions flow between the honest nodes; the
 * garbage is rejected, never reaches a handler, and its publisher is disconnected and banned by every
 * honest node, after which honest gossip keeps flowing. Steps share the network and run in order.
 */
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { encodeTx, type Tx, type Block } from '../../../src/ledger/index.ts'
import type { Proposal, Vote } from '../../../src/consensus/index.ts'
import { createGossip, gossipTopicName, GOSSIP_TOPICS, type Gossip } from '../../../src/network/topics/index.ts'
import { waitFor } from '../../helpers/wait.ts'
import { TestChain, V, alice, bob } from '../../ledger/helpers.ts'
import { startScoredHost, connectedTo, verifiedBy, type ScoredHost } from '../score/fixtures.ts'
import { chainContext, vote, proposal } from './fixtures.ts'

interface Node {
  net: ScoredHost
  gossip: Gossip
  votes: Vote[]
  proposals: Proposal[]
  txs: Tx[]
  evidence: number
}

describe('gossip between live hosts with a garbage publisher among them', () => {
  const tc = new TestChain()
  const honest: Node[] = []
  let garbage: ScoredHost | undefined

  async function node (bootstrap: string[]): Promise<Node> {
    const net = await startScoredHost({ networkId: tc.network, bootstrap })
    const n: Node = { net, votes: [], proposals: [], txs: [], evidence: 0, gossip: undefined as unknown as Gossip }
    n.gossip = createGossip({
      host: net.host,
      context: chainContext(tc),
      scorer: net.host.scorer,
      handlers: {
        vote: (v) => { n.votes.push(v) },
        proposal: (p: Proposal, _b: Block) => { n.proposals.push(p) },
        tx: (txs) => { n.txs.push(...txs.map((t) => t.tx)) },
        evidence: () => { n.evidence++ }
      }
    })
    n.gossip.start()
    return n
  }

  const hasVote = (n: Node, v: Vote): boolean => n.votes.some((x) => Buffer.compare(x.signature, v.signature) === 0)

  before(async () => {
    const first = await node([])
    honest.push(first, await node([first.net.addr]), await node([first.net.addr]))
    garbage = await startScoredHost({ networkId: tc.network, bootstrap: [first.net.addr] })
    // the garbage node joins the topics like anyone (its subscriptions make it a topic peer)
    for (const topic of GOSSIP_TOPICS) garbage.host.subscribe(gossipTopicName(topic, 0), () => 'accept', () => {})
    const everyone = [...honest.map((n) => n.net), garbage]
    await waitFor(() => everyone.every((x) => everyone.every((y) => x === y || verifiedBy(x, y))), { what: 'every node to verify every other' })
    await waitFor(() => GOSSIP_TOPICS.every((topic) => honest.every((n) => garbage!.host.topicPeers(gossipTopicName(topic, 0)).includes(n.net.id))),
      { what: 'the garbage node to see every honest node on every topic' })
    await waitFor(() => honest.every((n) => honest.every((m) => n === m || n.net.host.topicPeers('vote-s0').includes(m.net.id))),
      { what: 'honest nodes to see each other on the vote topic' })
  })

  after(async () => {
    for (const n of honest) n.gossip.stop()
    await Promise.all([...honest.map(async (n) => n.net.host.stop()), garbage?.host.stop()])
  })

  it('delivers a valid vote published by one node to the others\' handlers', async () => {
    const [a, b, c] = honest as [Node, Node, Node]
    const v = vote(tc, V[0])
    assert.ok(await a.gossip.publishVote(v) >= 2)
    await waitFor(() => hasVote(b, v) && hasVote(c, v), { what: 'the vote at both other nodes' })
    assert.ok(!hasVote(a, v), 'a node does not hand itself its own vote')
  })

  it('rejects garbage on every topic, disconnects its publisher, and bans it when it keeps coming back', async () => {
    assert.ok(garbage !== undefined)
    const g = garbage
    const before = honest.map((n) => n.votes.length)
    const disconnected = new Set<string>()
    for (const n of honest) {
      n.net.host.scorer.addEventListener('peer:disconnect', (e) => { if (e.detail.peerId === g.id) disconnected.add(n.net.id) })
    }
    let oversize = false
    // the garbage node publishes a batch on every topic whenever it is connected, reconnecting through
    // its bootstrap redials and DHT walks after each disconnection, until everyone has banned it
    await waitFor(async () => {
      if (honest.every((n) => n.net.host.scorer.isBanned(g.id))) return true
      const sends: Array<Promise<number>> = []
      for (let i = 0; i < 3; i++) {
        for (const topic of GOSSIP_TOPICS) sends.push(g.host.publish(gossipTopicName(topic, 0), new Uint8Array(randomBytes(48))))
      }
      if (!oversize && g.host.topicPeers(gossipTopicName('tx', 0)).length > 0) {
        // one over the host's message size cap, rejected before any topic validator runs
        oversize = true
        sends.push(g.host.publish(gossipTopicName('tx', 0), new Uint8Array(1024 * 1024 + 65 * 1024)))
      }
      await Promise.allSettled(sends)
      return false
    }, { what: 'every honest node to ban the garbage node', interval: 100 })
    await waitFor(() => honest.every((n) => !connectedTo(n.net, g)), { what: 'the garbage node to be disconnected everywhere' })
    assert.equal(disconnected.size, honest.length, 'each honest node disconnected it before banning it')
    for (const n of honest) {
      assert.ok(n.net.host.scorer.score(g.id) < -80)
      assert.match(n.net.host.scorer.bans().find((x) => x.peerId === g.id)?.reason ?? '', /^gossip:/)
      assert.deepEqual([n.votes.length, n.proposals.length, n.txs.length, n.evidence], [before[honest.indexOf(n)], 0, 0, 0], 'no garbage reached a handler')
    }
    await assert.rejects(g.host.dial(honest[0]!.net.addr))
  })

  it('keeps honest gossip flowing: a vote, a proposal and a transaction reach the other nodes', async () => {
    const [a, b, c] = honest as [Node, Node, Node]
    const v = vote(tc, V[1], { round: 1 })
    await b.gossip.publishVote(v)
    const { proposal: p, block } = proposal(tc)
    await c.gossip.publishProposal(p, block)
    const tx = tc.tx(alice, 'transfer', { to: bob.did, amount: 3 })
    await a.gossip.publishTx(encodeTx(tx))
    await waitFor(() => hasVote(a, v) && hasVote(c, v), { what: 'the second vote' })
    await waitFor(() => a.proposals.length === 1 && b.proposals.length === 1, { what: 'the proposal' })
    await waitFor(() => b.txs.length === 1 && c.txs.length === 1, { what: 'the transaction' })
    assert.equal(a.proposals[0]?.proposer, p.proposer)
    for (const n of honest) assert.ok(!n.net.host.scorer.isBanned(a.net.id) && n.net.host.scorer.score(honest.find((m) => m !== n)!.net.id) === 0)
  })
})
