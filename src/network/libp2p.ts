/**
 * The libp2p node behind the host: TCP + Noise + Yamux, identify, ping, Kademlia under our own
 * protocol id, and gossipsub configured for application-signed messages (protocols/README.md).
 */
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { gossipsub, StrictNoSign, type GossipSub } from '@libp2p/gossipsub'
import type { ConnectionGater, Ed25519PrivateKey, Libp2p } from '@libp2p/interface'
import { messageId } from './topics.ts'
import {
  SCORE_GOSSIP_THRESHOLD, SCORE_PUBLISH_THRESHOLD, SCORE_GRAYLIST_THRESHOLD, APP_SPECIFIC_WEIGHT,
  OPPORTUNISTIC_GRAFT_THRESHOLD, GOSSIP_MESSAGES_PER_FRAME
} from './constants.ts'

/** it-length-prefixed's default frame cap, which gossipsub uses unless told otherwise. */
const DEFAULT_FRAME_BYTES = 4 * 1024 * 1024

export interface IcnServices extends Record<string, unknown> {
  identify: Identify
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
}

export interface Libp2pOptions {
  privateKey: Ed25519PrivateKey
  listen: string[]
  announce: string[]
  dhtProtocol: string
  maxConnections: number
  inboundConnectionThreshold: number
  gater: ConnectionGater
  /** Gossipsub application-specific score of a peer (by PeerId string): see the host. */
  appScore: (peerId: string) => number
  gossip: {
    D: number
    Dlo: number
    Dhi: number
    ipColocationFactorWeight: number
    ipColocationFactorThreshold: number
    heartbeatIntervalMs: number
    seenTtlMs: number
    maxMessageBytes: number
  }
}

/** Creates (without starting) the libp2p node. */
export async function createIcnLibp2p (opts: Libp2pOptions): Promise<Libp2p<IcnServices>> {
  return createLibp2p<IcnServices>({
    start: false,
    privateKey: opts.privateKey,
    nodeInfo: { name: 'icn' },
    addresses: { listen: opts.listen, announce: opts.announce },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: opts.gater,
    connectionManager: {
      maxConnections: opts.maxConnections,
      inboundConnectionThreshold: opts.inboundConnectionThreshold
    },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: opts.dhtProtocol,
        clientMode: false,
        // keep loopback and private addresses in DHT answers: testnets and LAN federations live there
        peerInfoMapper: passthroughMapper
      }),
      pubsub: gossipsub({
        // messages are signed by the application, so gossipsub adds no author, seqno or signature
        globalSignaturePolicy: StrictNoSign,
        msgIdFn: (msg) => messageId(msg.topic, msg.data),
        asyncValidation: true,
        fallbackToFloodsub: false,
        floodPublish: true,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        // parameters and their reasons: protocols/gossip.md ("Parameters") and protocols/scoring.md
        D: opts.gossip.D,
        Dlo: opts.gossip.Dlo,
        Dhi: opts.gossip.Dhi,
        heartbeatInterval: opts.gossip.heartbeatIntervalMs,
        seenTTL: opts.gossip.seenTtlMs,
        doPX: false,
        // an RPC frame can carry several messages (IWANT answers), so it may exceed one message's cap
        maxInboundDataLength: Math.max(DEFAULT_FRAME_BYTES, GOSSIP_MESSAGES_PER_FRAME * opts.gossip.maxMessageBytes + 64 * 1024),
        scoreParams: {
          // no topic scores: message rates on small networks are too low and uneven to calibrate
          // mesh-delivery penalties, and invalid messages are scored by the application (P5) instead
          topics: {},
          appSpecificScore: opts.appScore,
          appSpecificWeight: APP_SPECIFIC_WEIGHT,
          IPColocationFactorWeight: opts.gossip.ipColocationFactorWeight,
          IPColocationFactorThreshold: opts.gossip.ipColocationFactorThreshold
        },
        scoreThresholds: {
          gossipThreshold: SCORE_GOSSIP_THRESHOLD,
          publishThreshold: SCORE_PUBLISH_THRESHOLD,
          graylistThreshold: SCORE_GRAYLIST_THRESHOLD,
          opportunisticGraftThreshold: OPPORTUNISTIC_GRAFT_THRESHOLD
        }
      })
    }
  })
}
