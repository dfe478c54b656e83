/**
 * What the host knows about each connected peer (handshake pending or verified), which peers are
 * refused, and the libp2p connection gater that enforces it. Refusals live in a `Refusals` list: in
 * the host that is the peer scorer's ban list (a handshake refusal is a ban there, persisted like any
 * other); on its own the table keeps an in-memory list.
 */
import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { Status } from './handshake/index.ts'
import type { PeerScorer } from './scoring/index.ts'

export interface PeerRecord {
  readonly peerId: string
  verified: boolean
  /** The peer's status message once verified. */
  status?: Status
  /** True while we run the dialer side of a handshake with this peer. */
  initiating: boolean
  /** Fires when an inbound-only peer has not completed a handshake in time. */
  deadline?: ReturnType<typeof setTimeout>
  /** Resolvers of callers waiting for the peer's verification (see `whenVerified`). */
  waiters: Array<(verified: boolean) => void>
}

/** Where refusals are recorded and looked up. */
export interface Refusals {
  /** Keeps `peerId` out for `ms` (a longer refusal already in force is kept). */
  refuse: (peerId: string, ms: number) => void
  isRefused: (peerId: string) => boolean
}

/** Refusals on the scorer's ban list: a refusal is a ban for its duration, persisted like any ban. */
export function scorerRefusals (scorer: Pick<PeerScorer, 'ban' | 'isBanned'>): Refusals {
  return {
    // not announced: the handshake service hangs up itself, once the peer has read why it was refused
    refuse: (peerId, ms) => { scorer.ban(peerId, ms, 'handshake refused', { announce: false }) },
    isRefused: (peerId) => scorer.isBanned(peerId)
  }
}

/** Refused peer id → expiry, in memory, for a table used without a scorer. */
function memoryRefusals (now: () => number): Refusals & { clear: () => void } {
  const refused = new Map<string, number>()
  return {
    refuse: (peerId, ms) => { refused.set(peerId, Math.max(refused.get(peerId) ?? 0, now() + ms)) },
    isRefused: (peerId) => {
      const until = refused.get(peerId)
      if (until === undefined) return false
      if (until > now()) return true
      refused.delete(peerId)
      return false
    },
    clear: () => { refused.clear() }
  }
}

export class PeerTable {
  private readonly records = new Map<string, PeerRecord>()
  private readonly refusals: Refusals & { clear?: () => void }

  /** `refusals` defaults to an in-memory list that `clear()` empties; an external one outlives the table. */
  constructor (now: () => number = Date.now, refusals?: Refusals) {
    this.refusals = refusals ?? memoryRefusals(now)
  }

  get (peerId: string): PeerRecord | undefined {
    return this.records.get(peerId)
  }

  ensure (peerId: string): PeerRecord {
    let record = this.records.get(peerId)
    if (record === undefined) {
      record = { peerId, verified: false, initiating: false, waiters: [] }
      this.records.set(peerId, record)
    }
    return record
  }

  isVerified (peerId: string): boolean {
    return this.records.get(peerId)?.verified === true
  }

  /** Marks the peer verified; returns false if it already was (so callers announce it once). */
  markVerified (peerId: string, status: Status): boolean {
    const record = this.ensure(peerId)
    const fresh = !record.verified
    record.verified = true
    record.status = status
    this.clearDeadline(record)
    for (const resolve of record.waiters.splice(0)) resolve(true)
    return fresh
  }

  /** Arms the inbound-handshake deadline once per pending peer. */
  armDeadline (peerId: string, ms: number, onExpire: () => void): void {
    const record = this.ensure(peerId)
    if (record.verified || record.deadline !== undefined) return
    record.deadline = setTimeout(() => {
      record.deadline = undefined
      onExpire()
    }, ms)
  }

  /**
   * Resolves true once the peer is verified, false when it is refused, leaves, or `ms` passes.
   * Lets a protocol handler accept a stream that raced ahead of the local end of the handshake.
   */
  async whenVerified (peerId: string, ms: number): Promise<boolean> {
    const record = this.records.get(peerId)
    if (record === undefined) return false
    if (record.verified) return true
    const { promise, resolve } = Promise.withResolvers<boolean>()
    record.waiters.push(resolve)
    const timer = setTimeout(() => { resolve(false) }, ms)
    try {
      return await promise
    } finally {
      clearTimeout(timer)
      const i = record.waiters.indexOf(resolve)
      if (i >= 0) record.waiters.splice(i, 1)
    }
  }

  /** Forgets the peer (disconnected or refused), clearing its deadline and releasing waiters. */
  delete (peerId: string): void {
    const record = this.records.get(peerId)
    if (record === undefined) return
    this.records.delete(peerId)
    this.clearDeadline(record)
    for (const resolve of record.waiters.splice(0)) resolve(false)
  }

  verifiedPeers (): PeerRecord[] {
    return [...this.records.values()].filter((r) => r.verified)
  }

  refuse (peerId: string, ms: number): void {
    this.refusals.refuse(peerId, ms)
  }

  isRefused (peerId: string): boolean {
    return this.refusals.isRefused(peerId)
  }

  /** Forgets every peer and clears every timer (and an in-memory refusal list); the host calls it on stop. */
  clear (): void {
    for (const peerId of [...this.records.keys()]) this.delete(peerId)
    this.refusals.clear?.()
  }

  private clearDeadline (record: PeerRecord): void {
    if (record.deadline === undefined) return
    clearTimeout(record.deadline)
    record.deadline = undefined
  }
}

/**
 * A connection gater that keeps refused peers out in both directions until their refusal expires, and
 * peers on the partition list (fault injection) out until the partition heals.
 */
export function refusedPeerGater (peers: PeerTable, partitioned: ReadonlySet<string> = new Set()): ConnectionGater {
  const denied = (peerId: PeerId): boolean => {
    const id = peerId.toString()
    return partitioned.has(id) || peers.isRefused(id)
  }
  return {
    denyDialPeer: denied,
    denyInboundEncryptedConnection: denied,
    denyOutboundEncryptedConnection: denied
  }
}
