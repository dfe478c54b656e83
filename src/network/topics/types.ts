/** The gossip service's contract with the node: what validation needs to know, and where messages go. */
import type { Logger } from 'pino'
import type { CID } from '../../codec/index.ts'
import type { Proposal, SignatureVerifier, ValidatorSet, Vote } from '../../consensus/index.ts'
import type { Block, Tx } from '../../ledger/index.ts'
import type { BatchedTx } from './tx.ts'
import type { NetworkHost } from '../types.ts'
import type { PeerScorer } from '../scoring/index.ts'
import type { GossipTopic } from './constants.ts'
import type { GossipMetrics } from './metrics.ts'
import type { QueueSpec } from './queues.ts'
import type { SeenSet } from './seen.ts'

/**
 * What the validators read from the node. Every member is read when a message is validated, never
 * cached here, so getters may return live values (maxBlockBytes follows governance).
 */
export interface GossipContext {
  /** The genesis CID. */
  networkId: CID
  /** The shard whose topics this service serves. */
  shard: number
  /** Consensus maxBlockBytes: a proposal's block may not be larger. */
  maxBlockBytes: number
  /** Largest encoded transaction accepted (the ledger's DEFAULT_MAX_TX_BYTES unless configured). */
  maxTxBytes: number
  /** The height consensus is deciding: the committed head + 1. */
  currentHeight: () => number
  /** The validator set of `height`; the node knows it for the current height only (else undefined). */
  validatorSet: (height: number) => ValidatorSet | undefined
  /** DID of the proposer of (height, round), for the current height only (else undefined). */
  expectedProposer: (height: number, round: number) => string | undefined
  /** Mempool admission against the head state (the ledger's checkTx); throws a TxError. */
  checkTx: (tx: Tx) => void
  /** True when the transaction (by CID string) is pending in the mempool or already final. */
  knownTx: (id: string) => boolean
  /** True when the mempool is full for a transaction of this priority and size (it could not get in now). */
  mempoolClosed: (priority: number, size: number) => boolean
  /** True when the offence (see `evidenceKey`) has already been punished on chain. */
  knownEvidence: (key: string) => boolean
}

/**
 * Where accepted messages go. `from` is the PeerId (string) of the peer that forwarded the message,
 * not necessarily its author (authors are named inside the signed payloads). A handler that throws is
 * logged; the verdict was already given.
 */
export interface GossipHandlers {
  /** The new, admissible transactions of an accepted batch, in batch order. */
  tx: (txs: BatchedTx[], from: string) => void
  proposal: (proposal: Proposal, block: Block, from: string) => void
  vote: (vote: Vote, from: string) => void
  evidence: (a: Vote, b: Vote, from: string) => void
}

/** What a topic validator works with. */
export interface ValidationDeps {
  context: GossipContext
  /** Shared with the consensus engine, so a signature checked here is not checked again there. */
  verifier: SignatureVerifier
  /** Accepted signatures / offences per topic; validators add to it when a message passes. */
  seen: Record<'proposal' | 'vote' | 'evidence', SeenSet>
}

export interface GossipOptions {
  /** The host the topics are joined on (only its subscribe/unsubscribe/publish and peer events are used). */
  host: Pick<NetworkHost, 'subscribe' | 'unsubscribe' | 'publish' | 'addEventListener' | 'removeEventListener'>
  context: GossipContext
  handlers: GossipHandlers
  /** Receives the penalties of forwarding peers (the host's scorer). */
  scorer: Pick<PeerScorer, 'report'>
  /** Pass the engine's verifier to share its cache. Default: a fresh cachingVerifier(). */
  verifier?: SignatureVerifier
  /** Default: logging off. */
  logger?: Logger
  metrics?: GossipMetrics
  /** Per-topic overrides of the queue table (queues.ts). */
  queues?: Partial<Record<GossipTopic, Partial<QueueSpec>>>
  /** Messages per peer per window (SPEC §11). Default 1000 per 60 000 ms. */
  rateLimit?: { messages?: number, txMessages?: number, windowMs?: number }
  /** Worker batch: messages per turn of the event loop. Default 64. */
  batchSize?: number
  /** Worker batch: milliseconds per turn of the event loop. Default 20. */
  batchMs?: number
  /** Outgoing transaction batches (constants.ts TX_BATCH_*): size, byte fill and wait. */
  txBatch?: { maxTxs?: number, fillBytes?: number, waitMs?: number }
  /** Entries of each seen-set. Default 16 384. */
  seenCacheSize?: number
  /** Clock for `sentAt` and rate limiting. Default Date.now. */
  now?: () => number
}

export interface Gossip {
  /** Joins the four topics of the context's shard. */
  start: () => void
  /** Leaves them; queued messages are ignored. */
  stop: () => void
  /**
   * Each publish resolves to the number of peers the message went to (0 is not an error).
   * `publishTx` takes a transaction's canonical encoding and sends it in the next batch.
   */
  publishTx: (bytes: Uint8Array) => Promise<number>
  publishProposal: (proposal: Proposal, block: Block) => Promise<number>
  publishVote: (vote: Vote) => Promise<number>
  publishEvidence: (a: Vote, b: Vote) => Promise<number>
  /** Messages waiting for validation, per topic. */
  queueLengths: () => Record<GossipTopic, number>
}
