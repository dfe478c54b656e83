/** The network host's public types: what it is created with, what it does, what it reports. */
import type { Ed25519PrivateKey, Libp2p, PeerId, StreamHandler, TypedEventTarget } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { CID } from '../codec/index.ts'
import type { Namespace } from '../storage/index.ts'
import type { PeerScorer, PeerScorerInit, ScoringMetrics } from './scoring/index.ts'
import type { Status } from './handshake/index.ts'
import type { HandshakeErrorCode } from './errors.ts'
import type { GossipHandler, GossipValidator } from './gossip.ts'
import type { IcnServices } from './libp2p.ts'

export interface GossipInit {
  /** Gossipsub IP colocation penalty weight (≤ 0). Default -10; a loopback testnet passes 0. */
  ipColocationFactorWeight?: number
  /** Peers on one IP beyond which the colocation penalty applies. Default 10. */
  ipColocationFactorThreshold?: number
  /** Mesh degree target, low and high water marks. Default 6 / 4 / 12. */
  D?: number
  Dlo?: number
  Dhi?: number
  /**
   * Payloads larger than this are rejected before any topic validator runs (and the forwarding peer
   * is reported). Must be at least the consensus maxBlockBytes plus 4 KiB, or full blocks cannot be
   * proposed. Default 1 MiB + 64 KiB.
   */
  maxMessageBytes?: number
  /** Gossipsub heartbeat. Default 1000 ms. */
  heartbeatIntervalMs?: number
  /** How long gossipsub remembers a message id as seen. Default 120 000 ms. */
  seenTtlMs?: number
}

export interface NetworkHostInit {
  /** The node key in libp2p form (identity's `libp2pPrivateKey(keyPair)`); PeerId and DID derive from it. */
  privateKey: Ed25519PrivateKey
  /** The genesis CID. Peers with another one are refused at the handshake. */
  networkId: CID
  /** Multiaddrs to listen on, e.g. ['/ip4/0.0.0.0/tcp/4001'] (tcp/0 picks a free port). */
  listen: string[]
  /** Addresses to advertise instead of the listen addresses (behind NAT, in docker). Default none. */
  announce?: string[]
  /** Multiaddrs with /p2p/<peerId> dialled at start and redialled after drops. Default none. */
  bootstrap?: string[]
  /** DHT protocol prefix. Default '/icn', giving '/icn/kad/1.0.0'. */
  dhtProtocolPrefix?: string
  /** Connection limit (SPEC §11). Default 50. */
  maxConnections?: number
  /** Inbound connections accepted per second from one IP. Default 5; loopback testnets need more. */
  inboundConnectionThreshold?: number
  gossip?: GossipInit
  /** Period of bootstrap redials and DHT random walks. Default 10 000 ms. */
  discoveryIntervalMs?: number
  /** Cap of the exponential backoff between redials of a failing bootstrap peer. Default 300 000 ms. */
  bootstrapBackoffMaxMs?: number
  /** Budget of one handshake and of an inbound connection's wait for it. Default 5 000 ms. */
  handshakeTimeoutMs?: number
  /** How long a peer refused at the handshake is banned (neither dialled nor accepted). Default 600 000 ms. */
  refusedPeerBanMs?: number
  /** Peer conduct scoring thresholds and timings (protocols/scoring.md). Defaults in scoring/constants.ts. */
  scoring?: PeerScorerInit
  /** Store namespace the ban list is persisted in (the node passes `store.namespace('bans')`). Default: memory only. */
  bans?: Namespace
  /**
   * A member's total on-chain reputation in milli-points (the ledger's totalReputation at the head), used
   * for the gossipsub score bonus of a verified peer through its DID. Default: no bonus.
   */
  reputationOf?: (did: string) => number
  scoringMetrics?: ScoringMetrics
  /** Extra status fields for the handshake, read at every handshake (chain heads move). Default none. */
  status?: () => Pick<Status, 'head'>
  /** Default: logging off. */
  logger?: Logger
}

export interface PeerSummary {
  peerId: string
  /** The peer's DID once verified, else null. */
  did: string | null
  /** Remote address of each open connection to the peer. */
  addrs: string[]
  /** Direction of the first open connection. */
  direction: 'inbound' | 'outbound'
  verified: boolean
  /** Round-trip time measured by libp2p's connection monitor, when known. */
  latencyMs?: number
}

export interface ProtocolHandlerOptions {
  /** Streams a peer may have open on this protocol per connection. Default 32. */
  maxInboundStreams?: number
  maxOutboundStreams?: number
  /**
   * Accept streams only from verified peers (default true). A stream that arrives while the peer's
   * handshake is still running waits for it; one from a refused or unknown peer is reset.
   */
  requireVerified?: boolean
}

export interface PeerVerifiedDetail { peerId: string, did: string, status: Status }
export interface PeerRefusedDetail { peerId: string, reason: HandshakeErrorCode, message: string }
export interface PeerDisconnectedDetail { peerId: string }

export interface NetworkHostEvents {
  /** The peer passed the handshake (once per connection episode). */
  'peer:verified': CustomEvent<PeerVerifiedDetail>
  /** The peer failed the handshake; it is being hung up and is banned for the refusal period. */
  'peer:refused': CustomEvent<PeerRefusedDetail>
  /** The last connection to the peer closed. */
  'peer:disconnected': CustomEvent<PeerDisconnectedDetail>
}

export interface NetworkHost extends TypedEventTarget<NetworkHostEvents> {
  readonly peerId: PeerId
  /** The underlying node, for what the host does not wrap (services.dht, services.pubsub, peerStore). */
  readonly libp2p: Libp2p<IcnServices>
  /**
   * Peer conduct scores and bans (protocols/scoring.md). Other modules report misconduct through
   * `scorer.report(peerId, action, reason)`; the host hangs up on peers the scorer disconnects or bans
   * and its connection gater refuses them. Handshake refusals are bans on the same list.
   */
  readonly scorer: PeerScorer
  start: () => Promise<void>
  /** Stops libp2p and releases every timer and listener. A stopped host cannot restart: create anew. */
  stop: () => Promise<void>
  /** Listen (or announce) addresses, each ending in /p2p/<peerId>. */
  multiaddrs: () => string[]
  /** Connected peers. */
  peers: () => PeerSummary[]
  isVerified: (peerId: PeerId | string) => boolean
  /** The status a verified peer sent in its handshake. */
  peerStatus: (peerId: PeerId | string) => Status | undefined
  /**
   * Joins topic `name` (mapped to `/icn/<networkId>/<name>/1`). `validate` decides each message's
   * fate; `handle` receives accepted ones. `from` is the peer that forwarded the message, not
   * necessarily its author (authors are named inside application-signed payloads).
   */
  subscribe: (topic: string, validate: GossipValidator, handle: GossipHandler) => void
  unsubscribe: (topic: string) => void
  /** Number of peers the message went to; 0 (nobody subscribed, or bytes already seen) is not an error. */
  publish: (topic: string, data: Uint8Array) => Promise<number>
  /** Verified peers subscribed to `topic` that our next publish would reach. */
  topicPeers: (topic: string) => string[]
  /** Connects and resolves once the peer passed the handshake; rejects with a NetworkError otherwise. */
  dial: (multiaddr: string) => Promise<void>
  hangUp: (peerId: PeerId | string) => Promise<void>
  /**
   * Fault injection: cuts this host off from `peerIds` (existing connections hung up, new ones refused
   * both ways, without a ban or a penalty) until `heal()`. In-process partitions for tests.
   */
  partition: (peerIds: Iterable<string>) => Promise<void>
  /** Lifts every partition and redials the peers it cut off. */
  heal: () => void
  /** Peers this host is partitioned from. */
  partitionedFrom: () => string[]
  /** Registers a request/response protocol on the host (see ProtocolHandlerOptions). */
  handle: (protocol: string, handler: StreamHandler, opts?: ProtocolHandlerOptions) => Promise<void>
  unhandle: (protocol: string) => Promise<void>
}
