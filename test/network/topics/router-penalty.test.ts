/** The host router's own reject (oversize payloads) reaches the peer scorer like a topic reject. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { cidOf } from '../../../src/codec/index.ts'
import { GossipRouter, asGossipRuntime, type GossipRuntime } from '../../../src/network/gossip.ts'
import { topicName } from '../../../src/network/index.ts'
import { waitFor } from '../../helpers/wait.ts'
import { peer } from './fixtures.ts'

class StubPubsub extends EventTarget {
  readonly reports: string[] = []
  readonly streamsOutbound = new Map<string, unknown>()
  subscribe (): void {}
  unsubscribe (): void {}
  getSubscribers (): [] { return [] }
  getScore (): number { return 0 }
  async publish (): Promise<{ recipients: [] }> { return { recipients: [] } }
  reportMessageValidationResult (_id: string, _source: string, acceptance: string): void { this.reports.push(acceptance) }
}

describe('gossip router penalties', () => {
  it('reports the forwarder of an oversize payload, before any topic validator runs', async () => {
    const net = cidOf({ network: 'router-penalty' })
    const pubsub = new StubPubsub()
    const penalties: Array<[string, string, string]> = []
    let validated = 0
    const router = new GossipRouter({
      pubsub: asGossipRuntime(pubsub as unknown as GossipRuntime),
      networkId: net,
      isVerified: () => true,
      maxMessageBytes: 8,
      onReject: (peerId, topic, reason) => { penalties.push([peerId, topic, reason]) },
      log: pino({ enabled: false })
    })
    router.start()
    router.subscribe('vote-s0', () => { validated++; return 'accept' }, () => {})
    pubsub.dispatchEvent(new CustomEvent('gossipsub:message', {
      detail: { msgId: 'm1', propagationSource: peer('big-sender'), msg: { type: 'unsigned', topic: topicName(net, 'vote-s0'), data: new Uint8Array(9) } }
    }))
    await waitFor(() => pubsub.reports.length === 1, { what: 'the verdict' })
    assert.deepEqual(pubsub.reports, ['reject'])
    assert.deepEqual(penalties, [['big-sender', 'vote-s0', 'TOO_LARGE']])
    assert.equal(validated, 0)
    router.stop()
  })
})
