/**
 * Defaults of the network host, applied once in `createNetworkHost` as `init.x ?? DEFAULT_X`.
 * Where a number comes from the spec, the section is named.
 */

/** Kademlia protocol prefix: the DHT speaks `<prefix>/kad/1.0.0`, so it never mixes with the IPFS DHT. */
export const DEFAULT_DHT_PROTOCOL_PREFIX = '/icn'
/** SPEC §11: max peers 50. */
export const DEFAULT_MAX_CONNECTIONS = 50
/** Bootstrap redial + DHT random walk period. */
export const DEFAULT_DISCOVERY_INTERVAL_MS = 10_000
/** Longest wait between two redials of a bootstrap peer that keeps failing (exponential backoff cap). */
export const DEFAULT_BOOTSTRAP_BACKOFF_MAX_MS = 5 * 60_000
/** How long one DHT random walk may run before it is abandoned. */
export const DEFAULT_RANDOM_WALK_TIMEOUT_MS = 10_000
/**
 * libp2p refuses more inbound connections than this per second from one IP address. Nodes sharing an
 * address (a loopback testnet) need a higher value.
 */
export const DEFAULT_INBOUND_CONNECTION_THRESHOLD = 5

/** Handshake protocol id (protocols/handshake.md). */
export const HANDSHAKE_PROTOCOL = '/icn/handshake/1.0.0'
/** The protocol version this implementation speaks in the handshake `protocolVersion` field. */
export const PROTOCOL_VERSION = 1
/** Largest accepted handshake message body (the length prefix excluded). */
export const HANDSHAKE_MAX_BYTES = 4096
/** Budget for one whole handshake exchange: open stream, write, read, validate. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000
/** How long a refused peer is neither dialled nor accepted. */
export const DEFAULT_REFUSED_PEER_BAN_MS = 10 * 60_000
/** Most entries in the handshake `head` map (one per shard). */
export const HANDSHAKE_MAX_HEADS = 256

/**
 * Gossipsub peer-score scale. A peer that has not passed the handshake gets the app-specific score
 * UNVERIFIED_PEER_SCORE: below the publish and gossip thresholds (we send it nothing, it is never
 * grafted: grafting needs a score >= 0) but well above the graylist threshold, so its subscription
 * announcements are still recorded and it joins meshes the moment it is verified.
 */
export const SCORE_GOSSIP_THRESHOLD = -10
export const SCORE_PUBLISH_THRESHOLD = -50
export const SCORE_GRAYLIST_THRESHOLD = -500
export const UNVERIFIED_PEER_SCORE = -100
/**
 * IP colocation: every peer beyond the threshold on one IP costs weight × surplus². Production keeps
 * it negative (sybils on one host lose their mesh slots); a loopback testnet passes weight 0.
 */
export const DEFAULT_IP_COLOCATION_FACTOR_WEIGHT = -10
export const DEFAULT_IP_COLOCATION_FACTOR_THRESHOLD = 10
/** Mesh degree (gossipsub v1.1 recommended values). */
export const DEFAULT_GOSSIP_D = 6
export const DEFAULT_GOSSIP_DLO = 4
export const DEFAULT_GOSSIP_DHI = 12
/** Largest gossip message payload we accept. */
export const DEFAULT_GOSSIP_MAX_MESSAGE_BYTES = 1024 * 1024

/** Default `maxInboundStreams` per connection for extra protocols registered through `host.handle`. */
export const DEFAULT_MAX_INBOUND_STREAMS = 32
/** Peer-store tag that keeps verified peers over unverified ones when libp2p prunes connections. */
export const VERIFIED_PEER_TAG = 'icn-verified'
export const VERIFIED_PEER_TAG_VALUE = 50
