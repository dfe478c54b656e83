/**
 * Peer scoring wired into real libp2p hosts on 127.0.0.1: conduct and reputation reach gossipsub's
 * score, a banned peer is disconnected and refused both ways, the ban survives a restart of the host,
 * and a handshake refusal is a ban on the same list. Steps share hosts and run in order.
 */
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { openStore, type Store } from '../../../src/storage/index.ts'
import { asGossipRuntime } from '../../../src/network/gossip.ts'
import { PeerTable, refusedPeerGater, scorerRefusals } from '../../../src/network/peers.ts'
import { peerScorer } from '../../../src/network/scoring/index.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { waitFor } from '../../helpers/wait.ts'
import { OTHER_NETWORK } from '../fixtures.ts'
import { startScoredHost, connectedTo, verifiedBy, type ScoredHost } from './fixtures.ts'

describe('the connection gater', () => {
  it('refuses banned peers in both directions, and only them', async () => {
    const scorer = peerScorer()({})
    const table = new PeerTable(Date.now, scorerRefusals(scorer))
    const gater = refusedPeerGater(table)
    const [banned, disliked, fine] = ['12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5', '12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq', '12D3KooWBmAwcd4PJNJvfV89HwE48nwkRmAgo8Vy3uQEyNNHBox2']
      .map((s) => peerIdFromString(s))
    scorer.report(banned!.toString(), 'fatal', 'test')
    for (let i = 0; i < 6; i++) scorer.report(disliked!.toString(), 'low', 'test')
    assert.equal(await gater.denyDialPeer?.(banned!), true)
    assert.equal(await gater.denyInboundEncryptedConnection?.(banned!, undefined as never), true)
    assert.equal(await gater.denyOutboundEncryptedConnection?.(banned!, undefined as never), true)
    // disconnected for its score but not banned: it may come back (and be thrown out again)
    assert.equal(await gater.denyInboundEncryptedConnection?.(disliked!, undefined as never), false)
    assert.equal(await gater.denyDialPeer?.(fine!), false)
    table.refuse(fine!.toString(), 60_000)
    assert.equal(await gater.denyDialPeer?.(fine!), true, 'a handshake refusal lands on the scorer\'s ban list')
    assert.equal(scorer.bans().find((b) => b.peerId === fine!.toString())?.reason, 'handshake refused')
  })
})

describe('peer scoring on live hosts', () => {
  let store: Store
  let a: ScoredHost | undefined
  let b: ScoredHost | undefined
  const extra: ScoredHost[] = []

  before(async () => {
    store = await openStore({ memory: true })
  })

  after(async () => {
    await Promise.all([a, b, ...extra].map(async (h) => h?.host.stop()))
    await store.close()
  })

  it('feeds conduct and on-chain reputation into the gossipsub score', async () => {
    let reputable = ''
    a = await startScoredHost({ bans: store.namespace('bans'), reputationOf: (did) => (did === reputable ? 1_000_000 : 0) })
    b = await startScoredHost({ bootstrap: [a.addr] })
    reputable = b.keyPair.did
    const pubsub = asGossipRuntime(a.host.libp2p.services.pubsub)
    await waitFor(() => verifiedBy(a!, b!) && pubsub.getScore(b!.id) > 9, { what: 'a reputation bonus of about 9 for the verified peer' })
    a.host.scorer.report(b.id, 'low', 'test:invalid')
    await waitFor(() => pubsub.getScore(b!.id) < 0, { what: 'the penalty to outweigh the bonus' })
    assert.ok(connectedTo(a, b), 'one penalty does not disconnect')
  })

  it('disconnects and bans a peer for a fatal offence, and refuses it both ways', async () => {
    assert.ok(a !== undefined && b !== undefined)
    a.host.scorer.report(b.id, 'fatal', 'test:hostile')
    await waitFor(() => !connectedTo(a!, b!) && !connectedTo(b!, a!), { what: 'the banned peer to be disconnected' })
    assert.equal(a.host.scorer.isBanned(b.id), true)
    await assert.rejects(a.host.dial(b.addr), (err: Error & { code?: string }) => err.code === 'DIAL_DENIED')
    await assert.rejects(b.host.dial(a.addr))
    assert.ok(!verifiedBy(a, b))
  })

  it('keeps the ban across a restart of the host (persisted in the store)', async () => {
    assert.ok(a !== undefined && b !== undefined)
    const keyPair = a.keyPair
    await a.host.stop()
    a = await startScoredHost({ keyPair, bans: store.namespace('bans') })
    assert.equal(a.host.scorer.isBanned(b.id), true)
    assert.equal(a.host.scorer.bans()[0]?.reason, 'test:hostile')
    await assert.rejects(b.host.dial(a.addr))
    assert.ok(!connectedTo(a, b))
  })

  it('puts a peer refused at the handshake on the same ban list, with a score for the pattern', async () => {
    assert.ok(a !== undefined)
    const foreign = await startScoredHost({ networkId: OTHER_NETWORK })
    extra.push(foreign)
    await assert.rejects(foreign.host.dial(a.addr))
    await waitFor(() => a!.host.scorer.isBanned(foreign.id), { what: 'the foreign host to be banned' })
    assert.equal(a.host.scorer.bans().find((x) => x.peerId === foreign.id)?.reason, 'handshake refused')
    assert.equal(Math.round(a.host.scorer.score(foreign.id)), -5, 'NETWORK_MISMATCH is a mid-tolerance fault (decaying since)')
  })
})
