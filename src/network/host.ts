/**
 * The network host: one libp2p node plus the ICN handshake, gossip topic registry, discovery and the
 * peer scorer, behind the small surface the node and the API use. `createNetworkHost` builds it;
 * `start()` loads the persisted bans, listens, dials the bootstrap peers and starts discovery; `stop()`
 * releases every socket, timer and listener.
 */
import { TypedEventEmitter, type Connection, type Libp2p, type PeerId, type StreamHandler } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { pino, type Logger } from 'pino'
import { didFromPeerId } from '../identity/index.ts'
import { HandshakeService, type Status } from './handshake/index.ts'
import { GossipRouter, asGossipRuntime, type GossipHandler, type GossipValidator } from './gossip.ts'
import { Discovery } from './discovery.ts'
import { PeerTable, refusedPeerGater, scorerRefusals } from './peers.ts'
import { peerScorer, handshakeAction, type PeerScorer, type PeerBanned, type PeerDisconnectRequest } from './scoring/index.ts'
import { createIcnLibp2p, type IcnServices } from './libp2p.ts'
import { NetworkError, type HandshakeError } from './errors.ts'
import * as d from './constants.ts'
import type { NetworkHost, NetworkHostEvents, NetworkHostInit, PeerSummary, ProtocolHandlerOptions } from './types.ts'

/** Parses the configured addresses up front so a typo fails at construction, naming the address. */
function parseAddr (text: string, needPeerId: boolean): Multiaddr {
  let addr: Multiaddr
  try {
    addr = multiaddr(text)
  } catch (err) {
    throw new NetworkError('INVALID_MULTIADDR', `invalid multiaddr ${JSON.stringify(text)}: ${(err as Error).message}`)
  }
  if (needPeerId && !addr.getComponents().some((c) => c.name === 'p2p')) {
    throw new NetworkError('INVALID_MULTIADDR', `bootstrap address ${text} lacks /p2p/<peerId>`)
  }
  return addr
}

function peerIdOfAddr (addr: Multiaddr): string | undefined {
  return addr.getComponents().findLast((c) => c.name === 'p2p')?.value
}

class Host extends TypedEventEmitter<NetworkHostEvents> implements NetworkHost {
  readonly peerId: PeerId
  readonly libp2p: Libp2p<IcnServices>
  readonly scorer: PeerScorer
  /** Peers cut off by fault injection; the connection gater reads the same set. */
  private readonly partitioned: Set<string>
  private readonly peerTable: PeerTable
  private readonly handshake: HandshakeService
  private readonly gossip: GossipRouter
  private readonly discovery: Discovery
  private readonly handshakeTimeoutMs: number
  private readonly log: Logger
  private state: 'created' | 'running' | 'stopped' = 'created'

  constructor (init: NetworkHostInit, libp2p: Libp2p<IcnServices>, peers: PeerTable, scorer: PeerScorer, log: Logger, partitioned: Set<string>) {
    super()
    this.partitioned = partitioned
    this.libp2p = libp2p
    this.peerId = libp2p.peerId
    this.scorer = scorer
    this.peerTable = peers
    this.log = log
    this.handshakeTimeoutMs = init.handshakeTimeoutMs ?? d.DEFAULT_HANDSHAKE_TIMEOUT_MS
    const did = didFromPeerId(libp2p.peerId)
    this.handshake = new HandshakeService({
      libp2p,
      peers,
      expect: { networkId: init.networkId, protocolVersion: d.PROTOCOL_VERSION },
      localStatus: () => ({ ...init.status?.(), networkId: init.networkId, protocolVersion: d.PROTOCOL_VERSION, did }),
      timeoutMs: this.handshakeTimeoutMs,
      refusedPeerBanMs: init.refusedPeerBanMs ?? d.DEFAULT_REFUSED_PEER_BAN_MS,
      onVerified: (peerId, status) => { this.onVerified(peerId, status) },
      onRefused: (peerId, error) => { this.onRefused(peerId, error) },
      log
    })
    this.gossip = new GossipRouter({
      pubsub: asGossipRuntime(libp2p.services.pubsub),
      networkId: init.networkId,
      isVerified: (id) => peers.isVerified(id),
      maxMessageBytes: init.gossip?.maxMessageBytes ?? d.DEFAULT_GOSSIP_MAX_MESSAGE_BYTES,
      onReject: (peerId, topic, reason) => { scorer.report(peerId, 'low', `gossip:${topic}:${reason}`) },
      log
    })
    this.discovery = new Discovery({
      libp2p,
      dht: libp2p.services.dht,
      peers,
      bootstrap: (init.bootstrap ?? []).map((a) => parseAddr(a, true)),
      intervalMs: init.discoveryIntervalMs ?? d.DEFAULT_DISCOVERY_INTERVAL_MS,
      backoffMaxMs: init.bootstrapBackoffMaxMs ?? d.DEFAULT_BOOTSTRAP_BACKOFF_MAX_MS,
      walkTimeoutMs: d.DEFAULT_RANDOM_WALK_TIMEOUT_MS,
      maxConnections: init.maxConnections ?? d.DEFAULT_MAX_CONNECTIONS,
      log
    })
  }

  async start (): Promise<void> {
    if (this.state !== 'created') throw new NetworkError('NOT_STARTED', `a host cannot start when ${this.state}; create a new one`)
    this.state = 'running'
    // bans first: the gater consults them from the first connection on
    await this.scorer.start()
    this.scorer.addEventListener('peer:disconnect', this.onScoreDisconnect)
    this.scorer.addEventListener('peer:ban', this.onScoreBan)
    this.libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    this.gossip.start()
    await this.handshake.start()
    await this.libp2p.start()
    this.discovery.start()
    this.log.info({ peerId: this.peerId.toString(), addrs: this.multiaddrs() }, 'network host started')
  }

  async stop (): Promise<void> {
    if (this.state !== 'running') {
      this.state = 'stopped'
      return
    }
    this.state = 'stopped'
    this.discovery.stop()
    this.handshake.stop()
    this.gossip.stop()
    this.scorer.removeEventListener('peer:disconnect', this.onScoreDisconnect)
    this.scorer.removeEventListener('peer:ban', this.onScoreBan)
    this.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    await this.libp2p.stop()
    this.peerTable.clear()
    await this.scorer.stop()
    this.log.info('network host stopped')
  }

  multiaddrs (): string[] {
    return this.libp2p.getMultiaddrs().map((addr) => {
      return peerIdOfAddr(addr) === undefined ? addr.encapsulate(`/p2p/${this.peerId.toString()}`).toString() : addr.toString()
    })
  }

  peers (): PeerSummary[] {
    const byPeer = new Map<string, Connection[]>()
    for (const connection of this.libp2p.getConnections()) {
      const id = connection.remotePeer.toString()
      byPeer.set(id, [...(byPeer.get(id) ?? []), connection])
    }
    return [...byPeer].map(([peerId, connections]) => {
      const record = this.peerTable.get(peerId)
      const verified = record?.verified === true
      const summary: PeerSummary = {
        peerId,
        did: verified ? (record?.status?.did ?? null) : null,
        addrs: connections.map((c) => c.remoteAddr.toString()),
        direction: connections[0]?.direction ?? 'outbound',
        verified
      }
      const rtt = connections.find((c) => c.rtt !== undefined)?.rtt
      if (rtt !== undefined) summary.latencyMs = rtt
      return summary
    })
  }

  isVerified (peerId: PeerId | string): boolean {
    return this.peerTable.isVerified(peerId.toString())
  }

  peerStatus (peerId: PeerId | string): Status | undefined {
    const record = this.peerTable.get(peerId.toString())
    return record?.verified === true ? record.status : undefined
  }

  subscribe (topic: string, validate: GossipValidator, handle: GossipHandler): void {
    this.gossip.subscribe(topic, validate, handle)
  }

  unsubscribe (topic: string): void {
    this.gossip.unsubscribe(topic)
  }

  async publish (topic: string, data: Uint8Array): Promise<number> {
    return this.gossip.publish(topic, data)
  }

  topicPeers (topic: string): string[] {
    return this.gossip.topicPeers(topic)
  }

  async dial (address: string): Promise<void> {
    if (this.state !== 'running') throw new NetworkError('NOT_STARTED', 'dial needs a running host')
    const addr = parseAddr(address, false)
    const target = peerIdOfAddr(addr)
    if (target !== undefined && this.peerTable.isRefused(target)) {
      throw new NetworkError('DIAL_DENIED', `peer ${target} was refused recently`)
    }
    const connection = await this.libp2p.dial(addr)
    const id = connection.remotePeer.toString()
    if (!await this.peerTable.whenVerified(id, this.handshakeTimeoutMs * 2)) {
      throw new NetworkError('NOT_VERIFIED', `peer ${id} did not pass the handshake`)
    }
  }

  async hangUp (peerId: PeerId | string): Promise<void> {
    await this.libp2p.hangUp(typeof peerId === 'string' ? peerIdFromString(peerId) : peerId)
  }

  async partition (peerIds: Iterable<string>): Promise<void> {
    const ids = [...peerIds]
    for (const id of ids) this.partitioned.add(id)
    await Promise.all(ids.map(async (id) => { await this.hangUp(id).catch(() => {}) }))
  }

  heal (): void {
    const ids = [...this.partitioned]
    this.partitioned.clear()
    // Reconnect at once rather than at the next discovery round; the peer store has their addresses.
    for (const id of ids) void this.libp2p.dial(peerIdFromString(id)).catch(() => {})
  }

  partitionedFrom (): string[] {
    return [...this.partitioned]
  }

  async handle (protocol: string, handler: StreamHandler, opts: ProtocolHandlerOptions = {}): Promise<void> {
    const requireVerified = opts.requireVerified ?? true
    const wrapped: StreamHandler = async (stream, connection) => {
      const id = connection.remotePeer.toString()
      if (requireVerified && !await this.peerTable.whenVerified(id, this.handshakeTimeoutMs)) {
        stream.abort(new NetworkError('NOT_VERIFIED', `${protocol} stream from unverified peer ${id}`))
        return
      }
      await handler(stream, connection)
    }
    await this.libp2p.handle(protocol, wrapped, {
      maxInboundStreams: opts.maxInboundStreams ?? d.DEFAULT_MAX_INBOUND_STREAMS,
      ...(opts.maxOutboundStreams !== undefined ? { maxOutboundStreams: opts.maxOutboundStreams } : {})
    })
  }

  async unhandle (protocol: string): Promise<void> {
    await this.libp2p.unhandle(protocol)
  }

  private onVerified (peerId: PeerId, status: Status): void {
    this.libp2p.peerStore.merge(peerId, { tags: { [d.VERIFIED_PEER_TAG]: { value: d.VERIFIED_PEER_TAG_VALUE } } })
      .catch((err: unknown) => { this.log.debug({ err }, 'could not tag a verified peer') })
    this.safeDispatchEvent('peer:verified', { detail: { peerId: peerId.toString(), did: status.did, status } })
  }

  private onRefused (peerId: PeerId, error: HandshakeError): void {
    // the refusal itself is already a ban (PeerTable.refuse); the score keeps the pattern
    this.scorer.report(peerId.toString(), handshakeAction(error.code), `handshake:${error.code}`)
    this.safeDispatchEvent('peer:refused', { detail: { peerId: peerId.toString(), reason: error.code, message: error.message } })
  }

  private readonly onScoreDisconnect = (evt: CustomEvent<PeerDisconnectRequest>): void => {
    this.hangUpForConduct(evt.detail.peerId, 'disconnecting', evt.detail)
  }

  private readonly onScoreBan = (evt: CustomEvent<PeerBanned>): void => {
    this.hangUpForConduct(evt.detail.peerId, 'banning', evt.detail)
  }

  private hangUpForConduct (peerId: string, what: string, detail: { score: number, reason: string }): void {
    if (this.state !== 'running' || !this.libp2p.getConnections().some((c) => c.remotePeer.toString() === peerId)) return
    this.log.info({ peer: peerId, score: detail.score, reason: detail.reason }, `${what} a peer for its conduct`)
    this.hangUp(peerId).catch((err: unknown) => { this.log.debug({ peer: peerId, err }, 'hang-up for conduct failed') })
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const peerId = evt.detail
    const id = peerId.toString()
    const wasVerified = this.peerTable.isVerified(id)
    this.peerTable.delete(id)
    if (wasVerified) {
      this.libp2p.peerStore.merge(peerId, { tags: { [d.VERIFIED_PEER_TAG]: undefined } })
        .catch((err: unknown) => { this.log.debug({ err }, 'could not untag a peer') })
    }
    this.safeDispatchEvent('peer:disconnected', { detail: { peerId: id } })
  }
}

/**
 * Builds a host (not yet started: call `start()`). Throws NetworkError('INVALID_MULTIADDR') for a bad
 * listen, announce or bootstrap address.
 */
export async function createNetworkHost (init: NetworkHostInit): Promise<NetworkHost> {
  const listen = init.listen.map((a) => parseAddr(a, false).toString())
  const announce = (init.announce ?? []).map((a) => parseAddr(a, false).toString())
  for (const a of init.bootstrap ?? []) parseAddr(a, true)
  const log = (init.logger ?? pino({ enabled: false })).child({ module: 'network' })
  const scorer = peerScorer(init.scoring)({
    ...(init.bans !== undefined ? { store: init.bans } : {}),
    ...(init.reputationOf !== undefined ? { reputationOf: init.reputationOf } : {}),
    ...(init.scoringMetrics !== undefined ? { metrics: init.scoringMetrics } : {}),
    ...(init.logger !== undefined ? { logger: init.logger } : {})
  })
  // one list of refusals: a handshake refusal is a ban on the scorer's (persisted) ban list
  const peers = new PeerTable(Date.now, scorerRefusals(scorer))
  const appScore = (peerId: string): number => {
    const record = peers.get(peerId)
    if (record?.verified !== true) return d.UNVERIFIED_PEER_SCORE
    return scorer.applicationScore(peerId, record.status?.did)
  }
  const maxMessageBytes = init.gossip?.maxMessageBytes ?? d.DEFAULT_GOSSIP_MAX_MESSAGE_BYTES
  const partitioned = new Set<string>()
  const libp2p = await createIcnLibp2p({
    privateKey: init.privateKey,
    listen,
    announce,
    dhtProtocol: `${init.dhtProtocolPrefix ?? d.DEFAULT_DHT_PROTOCOL_PREFIX}/kad/1.0.0`,
    maxConnections: init.maxConnections ?? d.DEFAULT_MAX_CONNECTIONS,
    inboundConnectionThreshold: init.inboundConnectionThreshold ?? d.DEFAULT_INBOUND_CONNECTION_THRESHOLD,
    gater: refusedPeerGater(peers, partitioned),
    appScore,
    gossip: {
      D: init.gossip?.D ?? d.DEFAULT_GOSSIP_D,
      Dlo: init.gossip?.Dlo ?? d.DEFAULT_GOSSIP_DLO,
      Dhi: init.gossip?.Dhi ?? d.DEFAULT_GOSSIP_DHI,
      ipColocationFactorWeight: init.gossip?.ipColocationFactorWeight ?? d.DEFAULT_IP_COLOCATION_FACTOR_WEIGHT,
      ipColocationFactorThreshold: init.gossip?.ipColocationFactorThreshold ?? d.DEFAULT_IP_COLOCATION_FACTOR_THRESHOLD,
      heartbeatIntervalMs: init.gossip?.heartbeatIntervalMs ?? d.DEFAULT_GOSSIP_HEARTBEAT_MS,
      seenTtlMs: init.gossip?.seenTtlMs ?? d.DEFAULT_GOSSIP_SEEN_TTL_MS,
      maxMessageBytes
    }
  })
  return new Host(init, libp2p, peers, scorer, log, partitioned)
}
