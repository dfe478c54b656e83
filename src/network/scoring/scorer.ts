/**
 * The peer scorer: one conduct score per peer, lowered by reports, decaying back toward 0, and the
 * decisions that follow from it (protocols/scoring.md):
 * - below the disconnect threshold the scorer asks for a disconnection (`peer:disconnect`), again at
 *   every report that leaves it there: the peer may reconnect, but each further offence throws it out
 *   again and brings it nearer the ban;
 * - below the ban threshold, or after a fatal offence, it bans the peer for a time (`peer:ban`); bans
 *   are persisted and reloaded at start, and the host's connection gater refuses banned peers.
 * It also computes the gossipsub application-specific score: conduct plus a bounded bonus from the
 * peer's on-chain reputation (through its DID), so meshes prefer well-behaved, reputable peers.
 * The scorer never touches the network itself: the host listens to its events and hangs up.
 */
import { TypedEventEmitter, type TypedEventTarget } from '@libp2p/interface'
import { pino, type Logger } from 'pino'
import type { Namespace } from '../../storage/index.ts'
import type { PeerAction } from './actions.ts'
import { BanList, type BanRecord } from './bans.ts'
import { countReport, type ScoringMetrics } from './metrics.ts'
import { applyDelta, decayed, reputationBonus } from './score.ts'
import * as d from './constants.ts'

export interface PeerScorerInit {
  /** Half-life of a score's decay toward 0. Default 600 000 ms (10 min). */
  halfLifeMs?: number
  /** Below this a peer is disconnected (it may reconnect; a further offence disconnects it again). Default −50. */
  disconnectThreshold?: number
  /** Below this a peer is banned. Default −80. */
  banThreshold?: number
  /** Length of a ban. Default 3 600 000 ms (1 h). */
  banMs?: number
  /** Largest gossipsub bonus from on-chain reputation. Default 10. */
  maxReputationBonus?: number
  /** Reputation (milli-points) that earns half the largest bonus. Default 100 000 (100 points). */
  reputationForHalfBonus?: number
  /** Period of the sweep that forgets decayed scores and lifts expired bans. Default 60 000 ms. */
  pruneIntervalMs?: number
}

export interface PeerScorerComponents {
  /** Store namespace the ban list is persisted in (the node uses `bans`). Default: memory only. */
  store?: Namespace
  /** A member's total on-chain reputation in milli-points (SPEC §6); unknown DIDs give 0. Default: none. */
  reputationOf?: (did: string) => number
  /** Default Date.now. */
  now?: () => number
  /** Default: logging off. */
  logger?: Logger
  metrics?: ScoringMetrics
}

export interface PeerDisconnectRequest { peerId: string, score: number, reason: string }
export interface PeerBanned extends BanRecord { score: number }

export interface PeerScorerEvents {
  /** The peer's score fell below the disconnect threshold: hang up on it. */
  'peer:disconnect': CustomEvent<PeerDisconnectRequest>
  /** The peer was banned (not emitted again while the ban is merely extended). */
  'peer:ban': CustomEvent<PeerBanned>
}

/** A peer's standing, for the API. */
export interface PeerConduct {
  peerId: string
  score: number
  /** Reason of the last report, '' if none is remembered. */
  lastReason: string
  banned?: BanRecord
}

export interface PeerScorer extends TypedEventTarget<PeerScorerEvents> {
  /** Loads the persisted bans and starts the periodic sweep. */
  start: () => Promise<void>
  /** Stops the sweep and waits for pending ban writes. */
  stop: () => Promise<void>
  /** Lowers the peer's score by the tier's delta and acts on the result. A bound function: pass it around. */
  report: (peerId: string, action: PeerAction, reason: string) => void
  /**
   * Bans the peer for `ms` (never shortening a longer ban) without touching its score, and announces
   * a new ban with `peer:ban` (so the host hangs up) unless `announce` is false.
   */
  ban: (peerId: string, ms: number, reason: string, opts?: { announce?: boolean }) => BanRecord
  unban: (peerId: string) => boolean
  /** The conduct score now (≤ 0). */
  score: (peerId: string) => number
  /** Gossipsub application-specific score: conduct + reputation bonus of `did` (when given). */
  applicationScore: (peerId: string, did?: string) => number
  /** Banned peers are refused by the connection gater, in both directions. */
  isBanned: (peerId: string) => boolean
  /** Active bans, soonest to end first. */
  bans: () => BanRecord[]
  /** Peers with a remembered (non-zero) score or a ban. */
  peers: () => PeerConduct[]
}

interface Entry { score: number, at: number, reason: string }

class Scorer extends TypedEventEmitter<PeerScorerEvents> implements PeerScorer {
  readonly #halfLifeMs: number
  readonly #disconnectThreshold: number
  readonly #banThreshold: number
  readonly #banMs: number
  readonly #maxBonus: number
  readonly #halfBonus: number
  readonly #pruneIntervalMs: number
  readonly #now: () => number
  readonly #log: Logger
  readonly #metrics: ScoringMetrics | undefined
  readonly #reputationOf: ((did: string) => number) | undefined
  readonly #scores = new Map<string, Entry>()
  readonly #reputation = new Map<string, { bonus: number, at: number }>()
  readonly #banList: BanList
  #timer: ReturnType<typeof setInterval> | undefined

  constructor (init: PeerScorerInit, components: PeerScorerComponents) {
    super()
    this.#halfLifeMs = init.halfLifeMs ?? d.DEFAULT_SCORE_HALF_LIFE_MS
    this.#disconnectThreshold = init.disconnectThreshold ?? d.DEFAULT_DISCONNECT_THRESHOLD
    this.#banThreshold = init.banThreshold ?? d.DEFAULT_BAN_THRESHOLD
    this.#banMs = init.banMs ?? d.DEFAULT_BAN_MS
    this.#maxBonus = init.maxReputationBonus ?? d.DEFAULT_MAX_REPUTATION_BONUS
    this.#halfBonus = init.reputationForHalfBonus ?? d.DEFAULT_REPUTATION_FOR_HALF_BONUS
    this.#pruneIntervalMs = init.pruneIntervalMs ?? d.DEFAULT_PRUNE_INTERVAL_MS
    this.#now = components.now ?? Date.now
    this.#log = (components.logger ?? pino({ enabled: false })).child({ module: 'peer-scoring' })
    this.#metrics = components.metrics
    this.#reputationOf = components.reputationOf
    this.#banList = new BanList({ ...(components.store !== undefined ? { store: components.store } : {}), now: this.#now, log: this.#log })
  }

  async start (): Promise<void> {
    const active = await this.#banList.load()
    if (active > 0) this.#log.info({ active }, 'loaded peer bans')
    this.#metrics?.banned.set(active)
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => { this.#prune() }, this.#pruneIntervalMs)
      this.#timer.unref()
    }
  }

  async stop (): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
    await this.#banList.flush()
  }

  readonly report = (peerId: string, action: PeerAction, reason: string): void => {
    const now = this.#now()
    const score = applyDelta(this.score(peerId), d.PEER_ACTION_SCORE[action])
    this.#scores.set(peerId, { score, at: now, reason })
    countReport(this.#metrics, action)
    if (this.#scores.size > d.MAX_TRACKED_PEERS) this.#forgetMildest()
    this.#log.debug({ peer: peerId, action, reason, score }, 'peer conduct reported')
    if (action === 'fatal' || score < this.#banThreshold) {
      const { record, fresh } = this.#banList.ban(peerId, this.#banMs, reason)
      if (fresh) {
        this.#log.info({ peer: peerId, reason, score, until: record.until }, 'peer banned')
        this.#metrics?.outcomes.inc({ outcome: 'ban' })
        this.#metrics?.banned.set(this.#banList.list().length)
        this.safeDispatchEvent('peer:ban', { detail: { ...record, score } })
        return
      }
    }
    if (score < this.#disconnectThreshold) {
      this.#metrics?.outcomes.inc({ outcome: 'disconnect' })
      this.safeDispatchEvent('peer:disconnect', { detail: { peerId, score, reason } })
    }
  }

  ban (peerId: string, ms: number, reason: string, opts: { announce?: boolean } = {}): BanRecord {
    const { record, fresh } = this.#banList.ban(peerId, ms, reason)
    if (fresh) {
      this.#log.info({ peer: peerId, reason, until: record.until }, 'peer banned')
      this.#metrics?.outcomes.inc({ outcome: 'ban' })
      this.#metrics?.banned.set(this.#banList.list().length)
      if (opts.announce !== false) this.safeDispatchEvent('peer:ban', { detail: { ...record, score: this.score(peerId) } })
    }
    return record
  }

  unban (peerId: string): boolean {
    const lifted = this.#banList.unban(peerId)
    if (lifted) this.#metrics?.banned.set(this.#banList.list().length)
    return lifted
  }

  score (peerId: string): number {
    const entry = this.#scores.get(peerId)
    if (entry === undefined) return 0
    return decayed(entry.score, this.#now() - entry.at, this.#halfLifeMs)
  }

  applicationScore (peerId: string, did?: string): number {
    return this.score(peerId) + (did === undefined ? 0 : this.#bonus(did))
  }

  isBanned (peerId: string): boolean {
    return this.#banList.isBanned(peerId)
  }

  bans (): BanRecord[] {
    return this.#banList.list()
  }

  peers (): PeerConduct[] {
    const out = new Map<string, PeerConduct>()
    for (const [peerId, entry] of this.#scores) {
      const score = this.score(peerId)
      if (score !== 0) out.set(peerId, { peerId, score, lastReason: entry.reason })
    }
    for (const ban of this.#banList.list()) {
      const existing = out.get(ban.peerId)
      out.set(ban.peerId, { peerId: ban.peerId, score: existing?.score ?? this.score(ban.peerId), lastReason: existing?.lastReason ?? ban.reason, banned: ban })
    }
    return [...out.values()].sort((a, b) => a.score - b.score)
  }

  #bonus (did: string): number {
    if (this.#reputationOf === undefined) return 0
    const now = this.#now()
    const cached = this.#reputation.get(did)
    if (cached !== undefined && now - cached.at < d.REPUTATION_CACHE_MS) return cached.bonus
    let reputation = 0
    try {
      reputation = this.#reputationOf(did)
    } catch (err) {
      this.#log.debug({ did, err }, 'reputation lookup failed; no bonus')
    }
    const bonus = reputationBonus(reputation, this.#maxBonus, this.#halfBonus)
    if (this.#reputation.size >= d.MAX_TRACKED_PEERS) this.#reputation.clear()
    this.#reputation.set(did, { bonus, at: now })
    return bonus
  }

  /** Forgets scores that decayed to 0, reputation looked up long ago, and lifts expired bans. */
  #prune (): void {
    for (const peerId of [...this.#scores.keys()]) if (this.score(peerId) === 0) this.#scores.delete(peerId)
    const now = this.#now()
    for (const [did, cached] of [...this.#reputation]) if (now - cached.at >= d.REPUTATION_CACHE_MS) this.#reputation.delete(did)
    this.#banList.prune()
    this.#metrics?.banned.set(this.#banList.list().length)
  }

  /** Over the tracking cap: drop the tenth of the scores closest to 0 (the ones that decide least). */
  #forgetMildest (): void {
    const mildest = [...this.#scores.keys()].map((id) => ({ id, score: this.score(id) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, Math.ceil(d.MAX_TRACKED_PEERS / 10))
    for (const { id } of mildest) this.#scores.delete(id)
  }
}

/**
 * Factory in the house style: `peerScorer(init)(components)`. The scorer is idle until `start()`
 * loads the persisted bans; reports made before that are kept.
 */
export function peerScorer (init: PeerScorerInit = {}): (components?: PeerScorerComponents) => PeerScorer {
  return (components = {}) => new Scorer(init, components)
}
