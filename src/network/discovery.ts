/**
 * Finding peers: dial the bootstrap addresses at start, redial any bootstrap peer that dropped (with a
 * per-peer exponential backoff, capped), and keep walking the Kademlia DHT: each tick looks up the
 * peers closest to a random key and dials those we are not connected to, up to the connection limit.
 * Timers and the walk in flight are all released by `stop()`.
 */
import { randomBytes } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Libp2p, PeerId, PeerInfo } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Logger } from 'pino'
import type { PeerTable } from './peers.ts'

export interface DiscoveryInit {
  libp2p: Libp2p
  dht: KadDHT
  peers: PeerTable
  /** Each with a /p2p/<peerId> component. */
  bootstrap: Multiaddr[]
  intervalMs: number
  backoffMaxMs: number
  walkTimeoutMs: number
  maxConnections: number
  log: Logger
}

interface BootstrapPeer {
  addr: Multiaddr
  peerId: PeerId
  failures: number
  /** Earliest time (ms since epoch) of the next dial attempt. */
  nextAttempt: number
  dialing: boolean
}

export class Discovery {
  private readonly init: DiscoveryInit
  private readonly bootstrap: BootstrapPeer[]
  private timer?: ReturnType<typeof setTimeout>
  private controller = new AbortController()
  private walking = false
  private running = false

  constructor (init: DiscoveryInit) {
    this.init = init
    const self = init.libp2p.peerId
    this.bootstrap = init.bootstrap.flatMap((addr) => {
      const id = addr.getComponents().findLast((c) => c.name === 'p2p')?.value
      if (id === undefined) return []
      const peerId = peerIdFromString(id)
      return peerId.equals(self) ? [] : [{ addr, peerId, failures: 0, nextAttempt: 0, dialing: false }]
    })
  }

  start (): void {
    this.running = true
    this.controller = new AbortController()
    this.redialBootstrap()
    this.schedule()
  }

  stop (): void {
    this.running = false
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.controller.abort()
  }

  private schedule (): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.redialBootstrap()
      void this.walk().finally(() => { this.schedule() })
    }, this.init.intervalMs)
  }

  private connected (peerId: PeerId): boolean {
    return this.init.libp2p.getConnections(peerId).length > 0
  }

  private redialBootstrap (): void {
    const now = Date.now()
    for (const peer of this.bootstrap) {
      if (peer.dialing || now < peer.nextAttempt || this.connected(peer.peerId)) continue
      if (this.init.peers.isRefused(peer.peerId.toString())) continue
      peer.dialing = true
      this.init.libp2p.dial(peer.addr, { signal: this.controller.signal }).then(() => {
        peer.failures = 0
        peer.nextAttempt = 0
      }, (err: unknown) => {
        peer.failures++
        const backoff = Math.min(this.init.backoffMaxMs, this.init.intervalMs * 2 ** Math.min(peer.failures, 20))
        peer.nextAttempt = Date.now() + backoff
        if (this.running) this.init.log.debug({ addr: peer.addr.toString(), err, backoff }, 'bootstrap dial failed')
      }).finally(() => {
        peer.dialing = false
      })
    }
  }

  /** One random walk: a DHT lookup of a random key, then dials to what it turned up. */
  private async walk (): Promise<void> {
    if (this.walking || !this.running) return
    if (this.init.libp2p.getConnections().length >= this.init.maxConnections) return
    this.walking = true
    const timeout = new AbortController()
    const timer = setTimeout(() => { timeout.abort() }, this.init.walkTimeoutMs)
    const signal = AbortSignal.any([timeout.signal, this.controller.signal])
    const found = new Map<string, PeerInfo>()
    try {
      for await (const event of this.init.dht.getClosestPeers(randomBytes(32), { signal })) {
        if (event.name === 'PEER_RESPONSE') for (const info of event.closer) found.set(info.id.toString(), info)
        if (event.name === 'FINAL_PEER') found.set(event.peer.id.toString(), event.peer)
      }
    } catch (err) {
      // an empty routing table or an aborted walk: try again next tick
      if (this.running) this.init.log.debug({ err }, 'random walk ended early')
    } finally {
      clearTimeout(timer)
      this.walking = false
    }
    await this.dialFound([...found.values()])
  }

  private async dialFound (infos: PeerInfo[]): Promise<void> {
    let budget = this.init.maxConnections - this.init.libp2p.getConnections().length
    const dials: Array<Promise<unknown>> = []
    for (const info of infos) {
      if (budget <= 0 || !this.running) break
      if (info.id.equals(this.init.libp2p.peerId) || this.connected(info.id)) continue
      if (this.init.peers.isRefused(info.id.toString())) continue
      budget--
      dials.push((async () => {
        if (info.multiaddrs.length > 0) await this.init.libp2p.peerStore.merge(info.id, { multiaddrs: info.multiaddrs })
        await this.init.libp2p.dial(info.id, { signal: this.controller.signal })
      })().catch((err: unknown) => {
        if (this.running) this.init.log.debug({ peer: info.id.toString(), err }, 'dial of a discovered peer failed')
      }))
    }
    await Promise.all(dials)
  }
}
