/**
 * Network adapter: the node's libp2p host (TCP, Noise, Yamux, identify, ping, Kademlia DHT under
 * `/icn/kad/1.0.0`, gossipsub) plus the ICN handshake that admits only peers of the same network
 * (same genesis CID) whose DID matches their key. The rest of the node sees topics by short name
 * (`subscribe('tx', validate, handle)`), peers as summaries, and registers its own request/response
 * protocols with `host.handle`. Wire formats: protocols/README.md and protocols/handshake.md.
 *
 * - `scoring/`: peer conduct scores and bans (`host.scorer`), protocols/scoring.md
 * - `topics/`: the ICN gossip topics with their validators and queues (`createGossip`), protocols/gossip.md
 */
export { createNetworkHost } from './host.ts'
export type {
  NetworkHost, NetworkHostInit, NetworkHostEvents, GossipInit, PeerSummary, ProtocolHandlerOptions,
  PeerVerifiedDetail, PeerRefusedDetail, PeerDisconnectedDetail
} from './types.ts'
export type { IcnServices } from './libp2p.ts'
export type { GossipVerdict, GossipValidator, GossipHandler } from './gossip.ts'
export { topicName, parseTopicName, messageId, TOPIC_VERSION } from './topics.ts'
export { statusSchema, encodeStatus, decodeStatus, checkStatus, type Status, type ShardHead } from './handshake/index.ts'
export { HandshakeError, NetworkError, type HandshakeErrorCode, type NetworkErrorCode } from './errors.ts'
export { HANDSHAKE_PROTOCOL, HANDSHAKE_MAX_BYTES, PROTOCOL_VERSION } from './constants.ts'
export {
  peerScorer, handshakeAction, createScoringMetrics, PEER_ACTIONS,
  type PeerScorer, type PeerScorerInit, type PeerScorerComponents, type PeerScorerEvents, type PeerConduct,
  type PeerAction, type ReportPeer, type BanRecord, type ScoringMetrics
} from './scoring/index.ts'
export {
  createGossip, createGossipMetrics, gossipTopicName, evidenceKey, GossipValidationError, GOSSIP_TOPICS,
  type Gossip, type GossipContext, type GossipHandlers, type GossipOptions, type GossipTopic, type GossipErrorCode, type GossipMetrics
} from './topics/index.ts'
