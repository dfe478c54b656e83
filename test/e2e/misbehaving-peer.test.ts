/**
 * A peer of the right network (it passes the handshake) that sends garbage on every gossip topic and
 * every request/response protocol is rejected, disconnected and banned by the validators, which keep
 * finalizing blocks throughout.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { startCluster } from './cluster.ts'
import { waitFor } from '../helpers/wait.ts'
import { createNetworkHost } from '../../src/network/index.ts'
import { GOSSIP_TOPICS, gossipTopicName } from '../../src/network/topics/index.ts'
import { PROTOCOL_IDS } from '../../src/network/reqresp/index.ts'
import { generateKeyPair, libp2pPrivateKey } from '../../src/identity/index.ts'
import { peerIdFromString } from '@libp2p/peer-id'

test('a peer sending garbage on every topic and protocol is disconnected and banned; the others keep finalizing', async (t) => {
  const cluster = await startCluster({ validators: 4 })
  t.after(async () => { await cluster.close() })
  for (let i = 0; i < 4; i++) await cluster.start(i)
  const validators = cluster.running()
  await cluster.waitForHeight(2)

  const garbage = await createNetworkHost({
    privateKey: await libp2pPrivateKey(generateKeyPair()),
    networkId: validators[0]!.networkId,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: validators.map((v) => v.host.multiaddrs()[0]!),
    gossip: { ipColocationFactorWeight: 0 },
    inboundConnectionThreshold: 1000,
    discoveryIntervalMs: 500
  })
  t.after(async () => { await garbage.stop() })
  await garbage.start()
  const topics = GOSSIP_TOPICS.map((topic) => gossipTopicName(topic, 0))
  for (const topic of topics) garbage.subscribe(topic, () => 'accept', () => {})
  await waitFor(() => garbage.peers().filter((p) => p.verified).length >= 2, { what: 'the garbage peer passes the handshake' })
  const garbageId = garbage.peerId.toString()
  const start = validators[0]!.status().height ?? 0

  // Garbage until every validator has banned it (or it has no one left to send to).
  let rounds = 0
  await waitFor(async () => {
    rounds++
    for (const topic of topics) await garbage.publish(topic, randomBytes(64 + rounds)).catch(() => 0)
    for (const peer of garbage.peers()) {
      for (const protocol of Object.values(PROTOCOL_IDS)) {
        try {
          const stream = await garbage.libp2p.dialProtocol(peerIdFromString(peer.peerId), protocol, { signal: AbortSignal.timeout(1000) })
          stream.send(randomBytes(32))
          await stream.close()
        } catch {}
      }
    }
    return validators.every((v) => v.host.scorer.isBanned(garbageId))
  }, { timeout: 60_000, interval: 200, what: 'every validator to ban the garbage peer' })

  await waitFor(() => garbage.peers().length === 0, { what: 'the garbage peer to be disconnected everywhere' })
  for (const v of validators) assert.ok(v.host.scorer.score(garbageId) < 0, 'its conduct score is negative')
  // A banned peer cannot come back: dialling it is refused by the validators' gater.
  await assert.rejects(garbage.dial(validators[0]!.host.multiaddrs()[0]!))
  await cluster.waitForHeight(start + 5, validators)
})
