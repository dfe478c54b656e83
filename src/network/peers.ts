/**
 * What the host knows about each connected peer (handshake pending or verified), the list of refused
 * peers with their expiry, and the libp2p connection gater that enforces that list.
 */
import type { ConnectionGater, PeerId } from '@libp2p/interface'
import type { Status } from './handshake/index.ts'

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

export class PeerTable {
  private readonly records = new Map<string, PeerRecord>()
  /** Refused peer id → time (ms since epoch) the refusal expires. */
  private readonly refused = new Map<string, number>()
  private readonly now: () => number

  constructor (now: () => number = Date.now) {
    this.now = now
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
    this.refused.set(peerId, this.now() + ms)
  }

  isRefused (peerId: string): boolean {
    const until = this.refused.get(peerId)
    if (until === undefined) return false
    if (until > this.now()) return true
    this.refused.delete(peerId)
    return false
  }

  /** Forgets everything and clears every timer; the host calls it on stop. */
  clear (): void {
    for (const peerId of [...this.records.keys()]) this.delete(peerId)
    this.refused.clear()
  }

  private clearDeadline (record: PeerRecord): void {
    if (record.deadline === undefined) return
    clearTimeout(record.deadline)
    record.deadline = undefined
  }
}

/** A connection gater that keeps refused peers out in both directions until their refusal expires. */
export function refusedPeerGater (peers: PeerTable): ConnectionGater {
  const denied = (peerId: PeerId): boolean => peers.isRefused(peerId.toString())
  return {
    denyDialPeer: denied,
    denyInboundEncryptedConnection: denied,
    denyOutboundEncryptedConnection: denied
  }
}
