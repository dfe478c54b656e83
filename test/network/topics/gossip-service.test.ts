/**
 * The gossip service over an in-memory host: subscriptions, handlers, publishing, the bounded queues
 * (overflow, consensus before transactions, yielding between batches) and the per-peer rate limit.
 */
import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { Registry } from 'prom-client'
import { decode, encode } from '../../../src/codec/index.ts'
import { encodeTx, type Tx } from '../../../src/ledger/index.ts'
import type { Proposal, Vote } from '../../../src/consensus/index.ts'
import type { Block } from '../../../src/ledger/index.ts'
import {
  createGossip, encodeTxBatch, createGossipMetrics, encodeVoteMessage, encodeProposalMessage, decodeVoteMessage, GOSSIP_QUEUES,
  type Gossip, type GossipOptions
} from '../../../src/network/topics/index.ts'
import type { GossipVerdict } from '../../../src/network/gossip.ts'
import { TestChain, V, alice, bob } from '../../ledger/helpers.ts'
import { chainContext, vote, proposal, peer, recordingScorer, MemoryHost } from './fixtures.ts'

const A = peer('peer-a')
const B = peer('peer-b')
const garbage = (i: number): Uint8Array => encode({ garbage: i })

describe('gossip service', () => {
  let tc: TestChain
  let host: MemoryHost
  let scorer: ReturnType<typeof recordingScorer>
  let received: { tx: Tx[], vote: Vote[], proposal: Array<[Proposal, Block]>, evidence: Vote[][] }
  let gossip: Gossip | undefined

  beforeEach(() => {
    tc = new TestChain()
    host = new MemoryHost()
    scorer = recordingScorer()
    received = { tx: [], vote: [], proposal: [], evidence: [] }
  })

  afterEach(() => { gossip?.stop() })

  function start (opts: Partial<GossipOptions> = {}): Gossip {
    gossip = createGossip({
      host: host as unknown as GossipOptions['host'],
      context: chainContext(tc),
      handlers: {
        tx: (txs) => { received.tx.push(...txs.map((t) => t.tx)) },
        vote: (v) => { received.vote.push(v) },
        proposal: (p, b) => { received.proposal.push([p, b]) },
        evidence: (a, b) => { received.evidence.push([a, b]) }
      },
      scorer,
      ...opts
    })
    gossip.start()
    return gossip
  }

  it('joins the four topics of its shard and leaves them on stop', () => {
    const g = start()
    assert.deepEqual([...host.topics.keys()].sort(), ['evidence-s0', 'proposal-s0', 'tx-s0', 'vote-s0'])
    g.stop()
    assert.equal(host.topics.size, 0)
  })

  it('hands accepted messages to the handlers decoded, and nothing it rejects', async () => {
    start()
    const v = vote(tc, V[0])
    const { proposal: p, block } = proposal(tc)
    const tx = tc.tx(alice, 'transfer', { to: bob.did, amount: 5 })
    assert.equal(await host.deliver('vote-s0', encodeVoteMessage(v, 1), A), 'accept')
    assert.equal(await host.deliver('proposal-s0', encodeProposalMessage(p, block, 1), A), 'accept')
    assert.equal(await host.deliver('tx-s0', encodeTxBatch([encodeTx(tx)]), A), 'accept')
    assert.equal(await host.deliver('vote-s0', garbage(1), B), 'reject')
    assert.deepEqual(received.vote.map((x) => x.validator), [V[0].did])
    assert.equal(received.proposal[0]?.[0].proposer, p.proposer)
    assert.equal(received.tx.length, 1)
    assert.deepEqual(scorer.reports, [{ peerId: 'peer-b', action: 'low', reason: 'gossip:vote:MALFORMED' }])
  })

  it('publishes {vote, sentAt} stamped with its clock, and ignores the copy relayed back', async () => {
    const g = start({ now: () => 777 })
    const v = vote(tc, V[1])
    await g.publishVote(v)
    const sent = host.published[0]
    assert.equal(sent?.topic, 'vote-s0')
    assert.equal(decodeVoteMessage(sent.data).sentAt, 777)
    assert.equal(await host.deliver('vote-s0', encodeVoteMessage(v, 778), A), 'ignore')
    assert.deepEqual(received.vote, [])
  })

  it('publishes transactions in batches: closed by count, by bytes, or by the wait, in submission order', async () => {
    const g = start({ txBatch: { maxTxs: 3, fillBytes: 1000, waitMs: 5 } })
    const tx = (n: number): Uint8Array => encodeTx(tc.tx(alice, 'transfer', { to: bob.did, amount: 1 }, { nonce: n }))
    const sent = (i: number): Uint8Array[] => decode(host.published[i]!.data) as Uint8Array[]
    // three fill a batch at once
    const full = [tx(0), tx(1), tx(2)]
    await Promise.all(full.map(async (t) => g.publishTx(t)))
    assert.equal(host.published.length, 1)
    assert.deepEqual(sent(0), full)
    // a transaction that would pass the byte fill closes the batch before it; the rest leaves after the wait
    const big = new Uint8Array(900).fill(7)
    const small = tx(3)
    const waits = [g.publishTx(small), g.publishTx(big)]
    assert.equal(host.published.length, 2, 'the batch holding `small` closed when `big` would overfill it')
    assert.deepEqual(sent(1), [small])
    assert.deepEqual(await Promise.all(waits), [1, 1])
    assert.deepEqual(sent(2), [big], 'sent alone after the wait')
    assert.equal(host.published[2]?.topic, 'tx-s0')
  })

  it('serves proposals and votes before any queued transaction', async () => {
    start({ batchSize: 4 })
    const order: string[] = []
    const track = (what: string, p: Promise<GossipVerdict>): void => { void p.then(() => { order.push(what) }) }
    for (let i = 0; i < 50; i++) track('tx', host.deliver('tx-s0', garbage(i), A))
    track('vote', host.deliver('vote-s0', encodeVoteMessage(vote(tc, V[2]), 1), B))
    const { proposal: p, block } = proposal(tc)
    track('proposal', host.deliver('proposal-s0', encodeProposalMessage(p, block, 1), B))
    const { promise, resolve } = Promise.withResolvers<void>()
    const wait = (): void => { if (order.length === 52) resolve(); else setImmediate(wait) }
    wait()
    await promise
    assert.deepEqual(order.slice(0, 2), ['proposal', 'vote'])
    assert.equal(received.vote.length, 1)
  })

  it('yields to the event loop between batches', async () => {
    start({ batchSize: 2 })
    const order: string[] = []
    const all = Array.from({ length: 6 }, async (_, i) => host.deliver('tx-s0', garbage(i), A).then(() => { order.push('msg') }))
    setImmediate(() => { order.push('other work') })
    await Promise.all(all)
    assert.deepEqual(order, ['msg', 'msg', 'other work', 'msg', 'msg', 'msg', 'msg'])
  })

  it('drops the arriving transaction when its queue is full, with ignore and no penalty', async () => {
    const registry = new Registry()
    start({ queues: { tx: { maxLength: 4 } }, metrics: createGossipMetrics(registry) })
    assert.equal(GOSSIP_QUEUES.tx.drop, 'newest')
    const verdicts = await Promise.all(Array.from({ length: 6 }, async (_, i) => host.deliver('tx-s0', garbage(i), A)))
    assert.deepEqual(verdicts, ['reject', 'reject', 'reject', 'reject', 'ignore', 'ignore'])
    assert.equal(scorer.reports.length, 4, 'only the validated (malformed) ones cost the peer')
    const metric = await registry.getSingleMetric('icn_gossip_validations_total')?.get()
    assert.equal(metric?.values.find((v) => v.labels.code === 'QUEUE_FULL')?.value, 2)
  })

  it('drops the oldest vote when the vote queue is full and serves the newest first', async () => {
    start({ queues: { vote: { maxLength: 2 } } })
    const votes = [V[0], V[1], V[2]].map((k) => vote(tc, k))
    const verdicts = await Promise.all(votes.map(async (v) => host.deliver('vote-s0', encodeVoteMessage(v, 1), A)))
    assert.deepEqual(verdicts, ['ignore', 'accept', 'accept'])
    assert.deepEqual(received.vote.map((v) => v.validator), [V[2].did, V[1].did])
  })

  it('ignores and penalises a peer over its rate limit once per window; others are unaffected and budgets refill', async () => {
    let now = 1_000_000
    start({ rateLimit: { messages: 3, txMessages: 1, windowMs: 60_000 }, now: () => now })
    const messages = [V[0], V[1], V[2], V[3]].map((k) => encodeVoteMessage(vote(tc, k), 1))
    const verdicts: GossipVerdict[] = []
    for (const m of messages) verdicts.push(await host.deliver('vote-s0', m, A))
    assert.deepEqual(verdicts, ['accept', 'accept', 'accept', 'ignore'])
    assert.equal(await host.deliver('vote-s0', encodeVoteMessage(vote(tc, V[3]), 2), A), 'ignore', 'still over the limit')
    assert.deepEqual(scorer.reports, [{ peerId: 'peer-a', action: 'high', reason: 'gossip:vote:RATE_LIMITED' }], 'one penalty per window, not per message')
    assert.equal(await host.deliver('vote-s0', messages[3]!, B), 'accept', 'another peer has its own budget')
    // Transactions have a budget of their own: the vote budget being spent does not touch it.
    assert.equal(await host.deliver('tx-s0', encodeTxBatch([encodeTx(tc.tx(alice, 'transfer', { to: bob.did, amount: 1 }))]), A), 'accept')
    assert.equal(await host.deliver('tx-s0', garbage(1), A), 'ignore', 'the tx budget (1) is spent: dropped before decoding')
    now += 60_000 // a full window: budgets refill and a new penalty may be charged
    assert.equal(await host.deliver('tx-s0', garbage(2), A), 'reject', 'within budget again, garbage is judged on its merits')
  })

  it('answers ignore for everything still queued when it stops', async () => {
    const g = start()
    const pending = host.deliver('tx-s0', garbage(1), A)
    g.stop()
    assert.equal(await pending, 'ignore')
  })
})
