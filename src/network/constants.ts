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
/** How long a peer refused at the handshake is neither dialled nor accepted (it is on the ban list). */
export const DEFAULT_REFUSED_PEER_BAN_MS = 10 * 60_000
/** Most entries in the handshake `head` map (one per shard). */
export const HANDSHAKE_MAX_HEADS = 256

/**
 * Gossipsub peer-score scale (protocols/scoring.md). The only score component we feed is the
 * application-specific one, with weight 1, so these thresholds read in conduct points:
 * - below 0 a peer is not grafted and is pruned from meshes (gossipsub's own rule);
 * - below SCORE_GOSSIP_THRESHOLD (about one invalid message) we exchange no IHAVE/IWANT gossip with it;
 * - below SCORE_PUBLISH_THRESHOLD we publish nothing to it; the scorer disconnects it at the same point
 *   (if it reconnects before its score recovers, we still send it nothing);
 * - the scorer bans at −80; below SCORE_GRAYLIST_THRESHOLD gossipsub drops everything the peer still
 *   sends until its connection has closed. The graylist comes last on purpose: a graylisted peer's
 *   messages are no longer validated, so graylisting earlier would stop the very reports that lead to
 *   its disconnection and ban.
 * A peer that has not passed the handshake gets UNVERIFIED_PEER_SCORE: below the publish threshold
 * (we send it nothing, it is never grafted) but above the graylist, so its subscription announcements
 * are still recorded and it joins meshes the moment it is verified.
 */
export const SCORE_GOSSIP_THRESHOLD = -10
export const SCORE_PUBLISH_THRESHOLD = -50
export const SCORE_GRAYLIST_THRESHOLD = -100
export const UNVERIFIED_PEER_SCORE = -60
/** Weight of the application-specific score: 1, so conduct points are gossipsub points. */
export const APP_SPECIFIC_WEIGHT = 1
/**
 * Every 60 heartbeats, if the median score of a topic mesh is below this, gossipsub grafts two peers
 * scoring above the median. Half the largest reputation bonus: meshes keep drifting toward reputable,
 * well-behaved peers.
 */
export const OPPORTUNISTIC_GRAFT_THRESHOLD = 5
/**
 * IP colocation: every peer beyond the threshold on one IP costs weight × surplus². Production keeps
 * it negative (sybils on one host lose their mesh slots); a loopback testnet passes weight 0.
 */
export const DEFAULT_IP_COLOCATION_FACTOR_WEIGHT = -10
export const DEFAULT_IP_COLOCATION_FACTOR_THRESHOLD = 10
/** Mesh degree (gossipsub v1.1 recommended values; see protocols/gossip.md for small and medium networks). */
export const DEFAULT_GOSSIP_D = 6
export const DEFAULT_GOSSIP_DLO = 4
export const DEFAULT_GOSSIP_DHI = 12
/**
 * Largest gossip message payload we accept: a block at the default consensus cap (1 MiB) plus its
 * signed proposal and framing (under 1 KiB), with room to spare. A network that raises maxBlockBytes
 * must raise this with it.
 */
export const DEFAULT_GOSSIP_MAX_MESSAGE_BYTES = 1024 * 1024 + 64 * 1024
/**
 * Gossipsub heartbeat: mesh upkeep and IHAVE gossip. 1 s (the gossipsub default): lost messages are
 * recovered through IHAVE/IWANT within about a second, well inside the consensus timeouts, and the
 * engine re-broadcasts its own messages every 2 s anyway.
 */
export const DEFAULT_GOSSIP_HEARTBEAT_MS = 1_000
/**
 * How long a message id is remembered as seen. 2 min (gossipsub default): far longer than a message
 * takes to cross the network. Consensus messages carry a `sentAt` so the engine's re-broadcasts get
 * new ids and are not swallowed by this cache.
 */
export const DEFAULT_GOSSIP_SEEN_TTL_MS = 2 * 60_000
/**
 * Gossipsub RPC frames may batch several messages (answers to IWANT), so the frame cap is a few
 * messages' worth, never below it-length-prefixed's default of 4 MiB.
 */
export const GOSSIP_MESSAGES_PER_FRAME = 4

/** Default `maxInboundStreams` per connection for extra protocols registered through `host.handle`. */
export const DEFAULT_MAX_INBOUND_STREAMS = 32
/** Peer-store tag that keeps verified peers over unverified ones when libp2p prunes connections. */
export const VERIFIED_PEER_TAG = 'icn-verified'
export const VERIFIED_PEER_TAG_VALUE = 50
