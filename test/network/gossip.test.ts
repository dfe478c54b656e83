/**
 * The topic registry and its verdicts, against an in-memory stand-in for gossipsub that records what
 * the router reports. The real gossipsub path is covered in host.test.ts.
 */
import { describe, it, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair as generateLibp2pKey } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { cidOf } from '../../src/codec/index.ts'
import { GossipRouter, asGossipRuntime, type GossipRuntime, type GossipVerdict } from '../../src/network/gossip.ts'
import { topicName, NetworkError } from '../../src/network/index.ts'
import { waitFor } from '../helpers/wait.ts'

const net = cidOf({ network: 'gossip-test' })
const TX = topicName(net, 'tx')

/** Records subscriptions and validation reports; delivers messages like gossipsub with asyncValidation. */
class RecordingPubsub extends EventTarget {
  readonly subscribed = new Set<string>()
  readonly reports: Array<{ msgId: string, source: string, acceptance: string }> = []
  readonly streamsOutbound = new Map<string, unknown>()
  subscribe (topic: string): void { this.subscribed.add(topic) }
  unsubscribe (topic: string): void { this.subscribed.delete(topic) }
  getSubscribers (): PeerId[] { return [] }
  getScore (): number { return 0 }
  async publish (): Promise<{ recipients: PeerId[] }> { return { recipients: [] } }
  reportMessageValidationResult (msgId: string, source: string, acceptance: string): void {
    this.reports.push({ msgId, source, acceptance })
  }

  deliver (msgId: string, from: PeerId, topic: string, data: Uint8Array): void {
    this.dispatchEvent(new CustomEvent('gossipsub:message', {
      detail: { msgId, propagationSource: from, msg: { type: 'unsigned', topic, data } }
    }))
  }
}

describe('GossipRouter', () => {
  let pubsub: RecordingPubsub
  let router: GossipRouter
  let verified: PeerId
  let stranger: PeerId
  const handled: Uint8Array[] = []

  beforeEach(async () => {
    pubsub = new RecordingPubsub()
    verified = peerIdFromPrivateKey(await generateLibp2pKey('Ed25519'))
    stranger = peerIdFromPrivateKey(await generateLibp2pKey('Ed25519'))
    handled.length = 0
    router = new GossipRouter({
      pubsub: asGossipRuntime(pubsub as unknown as GossipRuntime),
      networkId: net,
      isVerified: (id) => id === verified.toString(),
      maxMessageBytes: 16,
      log: pino({ enabled: false })
    })
    router.start()
  })

  async function verdictOf (msgId: string, from: PeerId, data: Uint8Array, topic = TX): Promise<string> {
    pubsub.deliver(msgId, from, topic, data)
    const report = await waitFor(() => pubsub.reports.find((r) => r.msgId === msgId), { what: `verdict for ${msgId}` })
    assert.equal(report.source, from.toString())
    return report.acceptance
  }

  it('subscribes under the network topic name and refuses a second subscription', () => {
    router.subscribe('tx', () => 'accept', () => {})
    assert.ok(pubsub.subscribed.has(TX))
    assert.throws(() => { router.subscribe('tx', () => 'accept', () => {}) }, (e: unknown) => e instanceof NetworkError && e.code === 'ALREADY_SUBSCRIBED')
    router.unsubscribe('tx')
    assert.ok(!pubsub.subscribed.has(TX))
  })

  it('reports each validator verdict and hands only accepted messages to the handler', async () => {
    const verdicts: Record<string, GossipVerdict> = { a: 'accept', i: 'ignore', r: 'reject' }
    router.subscribe('tx', async (data) => verdicts[new TextDecoder().decode(data)] ?? 'reject', (data) => { handled.push(data) })
    assert.equal(await verdictOf('1', verified, new TextEncoder().encode('a')), 'accept')
    assert.equal(await verdictOf('2', verified, new TextEncoder().encode('i')), 'ignore')
    assert.equal(await verdictOf('3', verified, new TextEncoder().encode('r')), 'reject')
    assert.deepEqual(handled.map((d) => new TextDecoder().decode(d)), ['a'])
  })

  it('ignores messages forwarded by unverified peers without running the validator', async () => {
    let ran = 0
    router.subscribe('tx', () => { ran++; return 'accept' }, (data) => { handled.push(data) })
    assert.equal(await verdictOf('1', stranger, Uint8Array.of(1)), 'ignore')
    assert.equal(ran, 0)
    assert.equal(handled.length, 0)
  })

  it('rejects oversize payloads and ignores topics it does not serve', async () => {
    router.subscribe('tx', () => 'accept', (data) => { handled.push(data) })
    assert.equal(await verdictOf('big', verified, new Uint8Array(17)), 'reject')
    assert.equal(await verdictOf('other', verified, Uint8Array.of(1), topicName(net, 'vote')), 'ignore')
    router.unsubscribe('tx')
    assert.equal(await verdictOf('late', verified, Uint8Array.of(1)), 'ignore')
    assert.equal(handled.length, 0)
  })

  it('turns a validator that throws into ignore, never reject', async () => {
    router.subscribe('tx', () => { throw new Error('validator bug') }, (data) => { handled.push(data) })
    assert.equal(await verdictOf('1', verified, Uint8Array.of(1)), 'ignore')
    assert.equal(handled.length, 0)
  })

  it('refuses a pubsub service without the runtime methods it relies on', () => {
    assert.throws(() => asGossipRuntime(new EventTarget() as unknown as GossipRuntime), TypeError)
  })
})
