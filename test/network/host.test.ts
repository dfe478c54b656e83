/**
 * Real libp2p hosts over TCP on 127.0.0.1: DHT discovery from one bootstrap address, gossip, restart
 * with the same key, and refusal of a host of another network. The steps share one testnet and run in
 * order; every host is stopped in `after` so the process exits on its own.
 */
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { waitFor, nextEvent } from '../helpers/wait.ts'
import { topicName, NetworkError, type PeerRefusedDetail, type PeerVerifiedDetail } from '../../src/network/index.ts'
import { NETWORK, OTHER_NETWORK, startHost, stopAll, verifiedPeerIds, type TestHost } from './fixtures.ts'

const TOPIC = 'tx'

describe('network host on a five-node loopback testnet', () => {
  const hosts: TestHost[] = []
  const extra: TestHost[] = []
  /** Every payload each host's 'tx' handler was given, by peer id. */
  const inbox = new Map<string, Uint8Array[]>()
  let bootstrap = ''
  /** Host 4 after its restart (set by the restart step). */
  let restarted: TestHost | undefined

  function listen (t: TestHost): void {
    const got: Uint8Array[] = []
    inbox.set(t.id, got)
    t.host.subscribe(TOPIC, () => 'accept', (data) => { got.push(data) })
  }

  const received = (t: TestHost, payload: Uint8Array): number =>
    (inbox.get(t.id) ?? []).filter((d) => Buffer.compare(d, payload) === 0).length

  /** Publishes once `from` sees `expected` eligible subscribers; returns the recipient count. */
  async function publishTo (from: TestHost, expected: string[], payload: Uint8Array): Promise<number> {
    await waitFor(() => expected.every((id) => from.host.topicPeers(TOPIC).includes(id)), { what: 'topic peers' })
    return from.host.publish(TOPIC, payload)
  }

  before(async () => {
    hosts.push(await startHost())
    bootstrap = hosts[0]?.host.multiaddrs()[0] ?? ''
    for (let i = 1; i < 5; i++) hosts.push(await startHost({ bootstrap: [bootstrap] }))
    for (const t of hosts) listen(t)
  })

  after(async () => {
    await stopAll([...hosts, ...extra])
  })

  it('finds all four other hosts through the DHT from a single bootstrap address', async () => {
    await waitFor(() => hosts.every((t) => verifiedPeerIds(t.host).length === 4), { what: 'every host verified by all others' })
    for (const t of hosts) {
      const others = hosts.filter((o) => o !== t).map((o) => o.id).sort()
      assert.deepEqual(verifiedPeerIds(t.host), others)
      for (const p of t.host.peers()) {
        const peer = hosts.find((o) => o.id === p.peerId)
        assert.equal(p.did, peer?.keyPair.did, 'the verified DID is the peer key')
        assert.ok(p.addrs.every((a) => a.startsWith('/ip4/127.0.0.1/tcp/')))
      }
    }
    // host 0 dialled nobody (it has no bootstrap list) yet verified every peer that dialled it
    assert.ok(hosts[0]?.host.peers().some((p) => p.direction === 'inbound'))
  })

  it('delivers a message published by one host to all four others, byte for byte', async () => {
    const [, , from] = hosts
    assert.ok(from)
    const payload = new Uint8Array(randomBytes(64))
    const others = hosts.filter((t) => t !== from)
    const sent = await publishTo(from, others.map((t) => t.id), payload)
    assert.equal(sent, 4)
    await waitFor(() => others.every((t) => received(t, payload) === 1), { what: 'gossip at all four others' })
    assert.equal(received(from, payload), 0, 'no echo to the publisher')
    assert.equal(await from.host.publish(TOPIC, payload), 0, 'the same bytes again are the same message')
  })

  it('restarts a host with the same key: same PeerId, verified again, receives gossip', async () => {
    const old = hosts[4]
    assert.ok(old)
    const survivors = hosts.slice(0, 4)
    await old.host.stop()
    await waitFor(() => survivors.every((t) => !t.host.peers().some((p) => p.peerId === old.id)), { what: 'survivors to drop the stopped host' })

    const again = await startHost({ keyPair: old.keyPair, bootstrap: [bootstrap] })
    extra.push(again)
    restarted = again
    assert.equal(again.id, old.id)
    listen(again)
    await waitFor(() => verifiedPeerIds(again.host).length === 4 &&
      survivors.every((t) => verifiedPeerIds(t.host).includes(again.id)), { what: 'restarted host verified by all' })

    const from = survivors[1]
    assert.ok(from)
    const payload = new Uint8Array(randomBytes(64))
    assert.ok(await publishTo(from, [again.id], payload) >= 1)
    await waitFor(() => received(again, payload) === 1, { what: 'gossip at the restarted host' })
  })

  it('refuses a host of another network: disconnected, never verified, its gossip reaches nobody', async () => {
    const good = [...hosts.slice(0, 4), ...extra]
    const verifiedBad: string[] = []
    const refusedBy = new Map<string, PeerRefusedDetail>()
    let badId = ''
    for (const t of good) {
      t.host.addEventListener('peer:verified', (e: CustomEvent<PeerVerifiedDetail>) => { if (e.detail.peerId === badId) verifiedBad.push(t.id) })
      t.host.addEventListener('peer:refused', (e: CustomEvent<PeerRefusedDetail>) => { if (e.detail.peerId === badId) refusedBy.set(t.id, e.detail) })
    }
    let badSawRefusal: Promise<CustomEvent<PeerRefusedDetail>> | undefined
    const bad = await startHost({
      networkId: OTHER_NETWORK,
      bootstrap: [bootstrap],
      beforeStart: (host) => {
        badId = host.peerId.toString()
        badSawRefusal = nextEvent<CustomEvent<PeerRefusedDetail>>(host, 'peer:refused', (e) => e.detail.peerId === hosts[0]?.id)
      }
    })
    extra.push(bad)
    listen(bad)

    await waitFor(() => refusedBy.has(hosts[0]?.id ?? ''), { what: 'the bootstrap host to refuse the foreign host' })
    assert.equal(refusedBy.get(hosts[0]?.id ?? '')?.reason, 'NETWORK_MISMATCH')
    assert.equal((await badSawRefusal)?.detail.reason, 'NETWORK_MISMATCH', 'the foreign host learns why too')
    await waitFor(() => bad.host.peers().length === 0 && good.every((t) => !t.host.peers().some((p) => p.peerId === bad.id)),
      { what: 'the foreign host to be disconnected everywhere' })

    // it is neither redialled nor able to dial back while refused
    await assert.rejects(bad.host.dial(bootstrap), (err: unknown) => err instanceof NetworkError && err.code === 'DIAL_DENIED')
    await assert.rejects(hosts[0]?.host.dial(bad.host.multiaddrs()[0] ?? '') ?? Promise.resolve(),
      (err: unknown) => err instanceof NetworkError && err.code === 'DIAL_DENIED')

    // its gossip goes nowhere, on its own topic or forced onto ours
    const foreign = new Uint8Array(randomBytes(64))
    const forced = new Uint8Array(randomBytes(64))
    assert.equal(await bad.host.publish(TOPIC, foreign), 0)
    const raw = await bad.host.libp2p.services.pubsub.publish(topicName(NETWORK, TOPIC), forced)
    assert.equal(raw.recipients.length, 0)

    // a message published after it still reaches every good host, and the foreign ones never do
    const [from, ...rest] = good
    assert.ok(from)
    const control = new Uint8Array(randomBytes(64))
    await publishTo(from, rest.map((t) => t.id), control)
    await waitFor(() => rest.every((t) => received(t, control) === 1), { what: 'control message at every good host' })
    for (const t of good) {
      assert.equal(received(t, foreign) + received(t, forced), 0)
      assert.ok(!verifiedPeerIds(t.host).includes(bad.id))
    }
    assert.deepEqual(verifiedBad, [], 'no good host ever verified the foreign host')
  })

  it('reconnects to a bootstrap host that went away and came back on the same address', async () => {
    const boot = hosts[0]
    assert.ok(boot)
    assert.ok(restarted)
    const others = [...hosts.slice(1, 4), restarted]
    await boot.host.stop()
    await waitFor(() => others.every((t) => !t.host.peers().some((p) => p.peerId === boot.id)), { what: 'everyone to lose the bootstrap host' })
    const listenAddr = bootstrap.slice(0, bootstrap.indexOf('/p2p/'))
    const back = await startHost({ keyPair: boot.keyPair, listen: [listenAddr] })
    extra.push(back)
    assert.equal(back.host.multiaddrs()[0], bootstrap)
    await waitFor(() => others.every((t) => t.host.isVerified(back.id)), { what: 'every host to redial the bootstrap host' })
  })
})
