/**
 * The node's status, served by `GET /status` and printed by the CLI. It is built here and only here:
 * a later feature (ledger heights, consensus round, sync state) adds its field to NodeStatus and to
 * `buildStatus`, and the API serves it with no other change.
 */
import type { PeerSummary } from '../network/index.ts'
import type { LedgerStatus } from './ledger-service.ts'
import { IDLE_REPLICATION_STATUS, type ReplicationStatus } from './consensus/component.ts'

export interface NodeStatus extends ReplicationStatus {
  /** CID of the genesis: the network this node belongs to. */
  networkId: string
  peerId: string
  did: string
  /** Connected peers (handshake done or pending). */
  peers: number
  /** Peers that passed the handshake. */
  verifiedPeers: number
  /** The host's listen (or announce) addresses, each ending in /p2p/<peerId>. */
  listenAddrs: string[]
  /** The HTTP API URL, or null when the API is off or not started. */
  api: string | null
  /** The icn package version. */
  version: string
  /** Milliseconds since start() completed; 0 before. */
  uptimeMs: number
  /** Height of the head block; null before the ledger opened its chain. */
  height: number | null
  /** CID of the head block. */
  headCid: string | null
  /** Every stored block carries its commit certificate (BFT finality): equal to height. */
  finalizedHeight: number | null
  finalizedCid: string | null
  /** Block time of the head (ms). */
  headTime: number | null
  /** This node's shard and the network's shard count (transactions carry their sender's shard). */
  shard: number | null
  shards: number | null
  /** Transactions waiting for a block, and their encoded bytes. */
  mempool: { size: number, bytes: number } | null
}

export interface StatusSources {
  networkId: string
  peerId: string
  did: string
  version: string
  started: boolean
  peers: () => PeerSummary[]
  listenAddrs: () => string[]
  api: () => string | null
  uptimeMs: () => number
  /** The ledger's status once its chain is open. */
  ledger?: () => LedgerStatus | undefined
  /** Consensus and sync, once replication runs. */
  replication?: () => ReplicationStatus
}

export function buildStatus (s: StatusSources): NodeStatus {
  const peers = s.started ? s.peers() : []
  return {
    networkId: s.networkId,
    peerId: s.peerId,
    did: s.did,
    peers: peers.length,
    verifiedPeers: peers.filter((p) => p.verified).length,
    listenAddrs: s.started ? s.listenAddrs() : [],
    api: s.api(),
    version: s.version,
    uptimeMs: s.uptimeMs(),
    ...ledgerFields(s.ledger?.()),
    ...((s.started ? s.replication?.() : undefined) ?? IDLE_REPLICATION_STATUS)
  }
}

function ledgerFields (l: LedgerStatus | undefined): Pick<NodeStatus, 'height' | 'headCid' | 'finalizedHeight' | 'finalizedCid' | 'headTime' | 'shard' | 'shards' | 'mempool'> {
  return {
    height: l?.height ?? null,
    headCid: l?.headCid ?? null,
    finalizedHeight: l?.finalizedHeight ?? null,
    finalizedCid: l?.finalizedCid ?? null,
    headTime: l?.headTime ?? null,
    shard: l?.shard ?? null,
    shards: l?.shards ?? null,
    mempool: l?.mempool ?? null
  }
}
