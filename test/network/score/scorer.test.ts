/**
 * The peer scorer on a hand-driven clock: tiers, decay, the disconnect and ban thresholds, fatal
 * offences, the reputation bonus, and bans that survive a restart of the scorer and of the database.
 */
import { describe, it, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore, textKey, type Store } from '../../../src/storage/index.ts'
import {
  peerScorer, handshakeAction, decayed, reputationBonus, PEER_ACTION_SCORE, DEFAULT_BAN_MS, DEFAULT_SCORE_HALF_LIFE_MS,
  type PeerScorer, type PeerDisconnectRequest, type PeerBanned
} from '../../../src/network/scoring/index.ts'
import type { HandshakeErrorCode } from '../../../src/network/index.ts'

const HALF_LIFE = DEFAULT_SCORE_HALF_LIFE_MS

describe('peer scorer', () => {
  let now: number
  let scorer: PeerScorer
  let disconnects: PeerDisconnectRequest[]
  let bans: PeerBanned[]

  function make (components: Parameters<ReturnType<typeof peerScorer>>[0] = {}): PeerScorer {
    const s = peerScorer()({ now: () => now, ...components })
    s.addEventListener('peer:disconnect', (e) => { disconnects.push(e.detail) })
    s.addEventListener('peer:ban', (e) => { bans.push(e.detail) })
    return s
  }

  beforeEach(async () => {
    now = 1_000_000_000
    disconnects = []
    bans = []
    scorer = make()
    await scorer.start()
  })

  afterEach(async () => { await scorer.stop() })

  it('lowers the score by the tier of each report', () => {
    for (const action of ['high', 'mid', 'low'] as const) scorer.report('p', action, `test:${action}`)
    assert.equal(scorer.score('p'), PEER_ACTION_SCORE.high + PEER_ACTION_SCORE.mid + PEER_ACTION_SCORE.low)
    assert.equal(scorer.score('q'), 0, 'an unknown peer is at 0')
    assert.deepEqual(scorer.peers().map((p) => [p.peerId, p.lastReason]), [['p', 'test:low']])
  })

  it('decays toward 0 with its half-life and forgets what is left near 0', () => {
    scorer.report('p', 'low', 'x')
    now += HALF_LIFE
    assert.equal(scorer.score('p'), -5)
    now += 2 * HALF_LIFE
    assert.equal(scorer.score('p'), -1.25)
    now += 10 * HALF_LIFE
    assert.equal(scorer.score('p'), 0)
  })

  it('asks to disconnect a peer below −50, again at each offence while it stays below, without banning it', () => {
    for (let i = 0; i < 5; i++) scorer.report('p', 'low', 'invalid')
    assert.equal(disconnects.length, 0, '−50 is not below −50')
    scorer.report('p', 'low', 'invalid')
    assert.deepEqual(disconnects.map((d) => [d.peerId, d.score, d.reason]), [['p', -60, 'invalid']])
    assert.equal(bans.length, 0)
    assert.equal(scorer.isBanned('p'), false, 'a disconnected peer may come back')
    now += HALF_LIFE / 10 // it came back and offended again before recovering
    scorer.report('p', 'high', 'slow')
    assert.equal(disconnects.length, 2)
    now += HALF_LIFE // −57 × 2^−1 ≈ −28: recovered
    scorer.report('p', 'high', 'slow')
    assert.equal(disconnects.length, 2)
  })

  it('escalates a peer that keeps offending across reconnections to a ban', () => {
    for (let i = 0; i < 6; i++) scorer.report('p', 'low', 'invalid')
    let episodes = 0
    while (bans.length === 0 && episodes < 10) {
      now += 10_000 // reconnects after a bootstrap redial, offends again
      scorer.report('p', 'low', 'invalid')
      episodes++
    }
    assert.equal(bans.length, 1)
    assert.ok(episodes <= 3, `banned after ${episodes} more episodes`)
  })

  it('bans a peer below −80 for an hour, once, and lifts the ban when it ends', () => {
    for (let i = 0; i < 8; i++) scorer.report('p', 'low', 'invalid')
    assert.equal(bans.length, 0)
    scorer.report('p', 'low', 'flood')
    assert.equal(bans.length, 1)
    assert.equal(bans[0]?.until, now + DEFAULT_BAN_MS)
    assert.equal(bans[0]?.reason, 'flood')
    scorer.report('p', 'low', 'more')
    assert.equal(bans.length, 1, 'an extended ban is not announced again')
    assert.equal(disconnects.at(-1)?.peerId, 'p', 'but the peer is still told to go')
    assert.equal(scorer.isBanned('p'), true)
    assert.deepEqual(scorer.bans().map((b) => b.peerId), ['p'])
    now += DEFAULT_BAN_MS
    assert.equal(scorer.isBanned('p'), false)
    assert.ok(scorer.score('p') > -2, 'an hour of decay took the score from −100 to about −1.6')
    assert.deepEqual(scorer.bans(), [])
  })

  it('bans at once for a fatal offence, and clamps the score at −100', () => {
    scorer.report('p', 'fatal', 'reqresp:WRONG_NETWORK')
    assert.deepEqual(bans.map((b) => [b.peerId, b.reason]), [['p', 'reqresp:WRONG_NETWORK']])
    scorer.report('p', 'fatal', 'again')
    assert.equal(scorer.score('p'), -100)
  })

  it('bans without a score change through ban(), never shortening a longer ban', () => {
    scorer.ban('p', 10_000, 'operator')
    assert.equal(scorer.score('p'), 0)
    assert.equal(scorer.isBanned('p'), true)
    assert.deepEqual(bans.map((b) => [b.peerId, b.reason]), [['p', 'operator']], 'a new ban is announced')
    scorer.ban('q', 10_000, 'handshake refused', { announce: false })
    assert.equal(bans.length, 1, 'unless the caller hangs up itself')
    scorer.report('p', 'fatal', 'worse')
    scorer.ban('p', 10_000, 'handshake refused')
    assert.equal(scorer.bans().find((b) => b.peerId === 'p')?.until, now + DEFAULT_BAN_MS)
    assert.equal(scorer.unban('p'), true)
    assert.equal(scorer.isBanned('p'), false)
  })

  it('adds a bounded reputation bonus for the peer\'s DID to its gossipsub score', async () => {
    const reputation = new Map([['did:good', 100_000], ['did:great', 10_000_000_000]])
    const s = make({ reputationOf: (did) => { if (did === 'did:bad') throw new Error('no state'); return reputation.get(did) ?? 0 } })
    await s.start()
    assert.equal(s.applicationScore('p', 'did:good'), 5, 'half the bonus at 100 points')
    assert.ok(s.applicationScore('p', 'did:great') < 10 && s.applicationScore('p', 'did:great') > 9.99)
    assert.equal(s.applicationScore('p', 'did:nobody'), 0)
    assert.equal(s.applicationScore('p', 'did:bad'), 0, 'a failing lookup gives no bonus')
    assert.equal(s.applicationScore('p'), 0, 'no DID (unverified), no bonus')
    s.report('p', 'low', 'x')
    assert.equal(s.applicationScore('p', 'did:good'), -5, 'conduct and reputation add up')
    await s.stop()
  })

  it('scores handshake failures without making any of them fatal', () => {
    const codes: HandshakeErrorCode[] = ['MALFORMED', 'TOO_LARGE', 'INVALID_FIELD', 'NETWORK_MISMATCH', 'PROTOCOL_VERSION', 'DID_MISMATCH', 'TIMEOUT', 'STREAM', 'UNSUPPORTED']
    const actions = codes.map(handshakeAction)
    assert.ok(!actions.includes('fatal'))
    assert.equal(handshakeAction('DID_MISMATCH'), 'low')
    assert.equal(handshakeAction('NETWORK_MISMATCH'), 'mid')
    assert.equal(handshakeAction('TIMEOUT'), 'high')
  })

  it('keeps the arithmetic pure: decay and a bonus that never passes its bound', () => {
    assert.equal(decayed(-8, HALF_LIFE, HALF_LIFE), -4)
    assert.equal(decayed(-8, 0, HALF_LIFE), -8)
    assert.equal(reputationBonus(0, 10, 100), 0)
    assert.equal(reputationBonus(-5, 10, 100), 0)
    assert.equal(reputationBonus(Number.NaN, 10, 100), 0)
    assert.ok(reputationBonus(Number.MAX_SAFE_INTEGER, 10, 100) <= 10)
  })
})

describe('persisted bans', () => {
  let dir: string
  let store: Store | undefined

  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'icn-bans-')) })
  afterEach(async () => {
    await store?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('survive closing and reopening the database; expired and unreadable entries are dropped at load', async () => {
    let now = 5_000_000
    store = await openStore({ path: dir })
    const first = peerScorer()({ store: store.namespace('bans'), now: () => now })
    await first.start()
    first.report('hostile', 'fatal', 'gossip:vote:BAD_SIGNATURE')
    first.ban('refused', 60_000, 'handshake refused')
    await first.stop()
    await store.namespace('bans').put(textKey('corrupt'), new Uint8Array([0xff]))
    await store.close()

    store = await openStore({ path: dir })
    now += 120_000 // the short refusal has ended, the hour-long ban has not
    const second = peerScorer()({ store: store.namespace('bans'), now: () => now })
    await second.start()
    assert.equal(second.isBanned('hostile'), true)
    assert.equal(second.isBanned('refused'), false)
    assert.deepEqual(second.bans().map((b) => [b.peerId, b.reason]), [['hostile', 'gossip:vote:BAD_SIGNATURE']])
    await second.stop()
    const left: string[] = []
    for await (const key of store.namespace('bans').keys()) left.push(new TextDecoder().decode(key))
    assert.deepEqual(left, ['hostile'], 'expired and unreadable entries were deleted')
  })
})
