/** The verdict adapter: codes → verdicts, counted by topic and code, penalties to the forwarding peer. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Registry } from 'prom-client'
import { pino } from 'pino'
import {
  VerdictAdapter, GossipValidationError, GOSSIP_ERROR_ACTION, gossipPenalty, createGossipMetrics, type GossipErrorCode
} from '../../../src/network/topics/index.ts'
import { recordingScorer } from './fixtures.ts'

const log = pino({ enabled: false })

async function count (registry: Registry, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric('icn_gossip_validations_total')?.get()
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0
}

describe('gossip verdict adapter', () => {
  it('accepts what validates, without a penalty, and counts it', async () => {
    const registry = new Registry()
    const scorer = recordingScorer()
    const adapter = new VerdictAdapter({ scorer, metrics: createGossipMetrics(registry), log })
    const judged = adapter.judge('vote', 'peer-a', () => 42)
    assert.deepEqual(judged, { verdict: 'accept', value: 42 })
    assert.deepEqual(scorer.reports, [])
    assert.equal(await count(registry, { topic: 'vote', verdict: 'accept', code: 'none' }), 1)
  })

  it('turns a reject code into reject and a low-tolerance report against the forwarder', async () => {
    const registry = new Registry()
    const scorer = recordingScorer()
    const adapter = new VerdictAdapter({ scorer, metrics: createGossipMetrics(registry), log })
    const judged = adapter.judge('proposal', 'peer-b', () => { throw GossipValidationError.of('BAD_SIGNATURE', 'nope') })
    assert.equal(judged.verdict, 'reject')
    assert.deepEqual(scorer.reports, [{ peerId: 'peer-b', action: 'low', reason: 'gossip:proposal:BAD_SIGNATURE' }])
    assert.equal(await count(registry, { topic: 'proposal', verdict: 'reject', code: 'BAD_SIGNATURE' }), 1)
  })

  it('turns an ignore code into ignore without a penalty', async () => {
    const registry = new Registry()
    const scorer = recordingScorer()
    const adapter = new VerdictAdapter({ scorer, metrics: createGossipMetrics(registry), log })
    assert.equal(adapter.judge('vote', 'peer-c', () => { throw GossipValidationError.of('DUPLICATE', 'again') }).verdict, 'ignore')
    assert.equal(adapter.refuse('tx', 'peer-c', GossipValidationError.of('QUEUE_FULL', 'full')), 'ignore')
    assert.deepEqual(scorer.reports, [])
    assert.equal(await count(registry, { topic: 'tx', verdict: 'ignore', code: 'QUEUE_FULL' }), 1)
  })

  it('penalises a rate-limited message with high tolerance but ignores it', () => {
    const scorer = recordingScorer()
    const adapter = new VerdictAdapter({ scorer, log })
    assert.equal(adapter.refuse('tx', 'peer-d', GossipValidationError.of('RATE_LIMITED', 'slow down')), 'ignore')
    assert.deepEqual(scorer.reports, [{ peerId: 'peer-d', action: 'high', reason: 'gossip:tx:RATE_LIMITED' }])
  })

  it('never holds its own failure against the peer: an unexpected error is ignore with INTERNAL', () => {
    const scorer = recordingScorer()
    const adapter = new VerdictAdapter({ scorer, log })
    const judged = adapter.judge('evidence', 'peer-e', () => { throw new TypeError('bug') })
    assert.ok(judged.verdict === 'ignore')
    assert.equal(judged.error.code, 'INTERNAL')
    assert.deepEqual(scorer.reports, [])
  })

  it('maps every code: rejects cost low tolerance, rate limiting high, other ignores nothing', () => {
    for (const [code, action] of Object.entries(GOSSIP_ERROR_ACTION) as Array<[GossipErrorCode, string]>) {
      const expected = code === 'RATE_LIMITED' ? 'high' : action === 'reject' ? 'low' : undefined
      assert.equal(gossipPenalty(code), expected, code)
      assert.equal(GossipValidationError.of(code, '').action, action)
    }
    assert.equal(GOSSIP_ERROR_ACTION.STALE, 'ignore')
    assert.equal(GOSSIP_ERROR_ACTION.WRONG_PROPOSER, 'reject')
  })
})
