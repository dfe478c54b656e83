/** Public types of the sync driver. */
import type { Logger } from 'pino'
import type { CID } from '../codec/index.ts'
import type { Commit, SignatureVerifier } from '../consensus/index.ts'
import type { Block, LedgerChain } from '../ledger/index.ts'
import type { NetworkHost } from '../network/types.ts'
import type { ReportPeer, ReqResp } from '../network/reqresp/index.ts'

export interface SyncOptions {
  /** The requester side of the request/response service. */
  reqresp: Pick<ReqResp, 'requestStatus' | 'requestBlocksByRange' | 'requestBlocksByCid'>
  /** Which peers are connected and verified. */
  host: Pick<NetworkHost, 'peers'>
  /** The chain as it is now (head, state, validator set for the next block). */
  chain: () => LedgerChain
  /** Our genesis CID: commits are verified in this network's signing domain. */
  networkId: CID
  /** The shard this chain is. Default 0. */
  shard?: number
  /**
   * Re-executes and persists a verified block (e.g. ChainStore.commit): resolves once it is the head.
   * A throw that `isBlockFault` accepts is blamed on the peer that served the block; any other throw
   * ends the sync run and is rethrown by initialSync (it is our disk, not their block).
   */
  apply: (block: Block, commit: Commit) => Promise<void>
  /** Peer conduct reports (peer-scoring module). Default: none. */
  reportPeer?: ReportPeer
  /** Default: logging off. */
  logger?: Logger
  /** Precommit signature checker (e.g. consensus' cachingVerifier). Default: plain verification. */
  verifier?: SignatureVerifier
  /** Which apply failures are the block's fault. Default: ledger and consensus rejections, ChainError INVALID_COMMIT. */
  isBlockFault?: (err: unknown) => boolean
  /** Called after a sync run that moved the head (e.g. to restart consensus at the new height). */
  onSynced?: (height: number) => void
  /** Blocks per range request, 1–64. Default 32. */
  batchSize?: number
  /** Range requests in flight per peer. Default 2. */
  maxRequestsPerPeer?: number
  /** Batches ahead of the head at a time (queued, in flight or downloaded). Default 8. */
  maxPendingBatches?: number
  /** Requests for one batch before a run gives up on it. Default 8. */
  maxBatchAttempts?: number
  /** Pause before asking a peer that answered "rate limited" again. Default 2 000 ms. */
  rateLimitedBackoffMs?: number
  /** Initial sync gives up after this many status rounds without progress. Default 3. */
  maxStalledRounds?: number
  /** Least time between progress log lines. Default 1 000 ms. */
  progressIntervalMs?: number
  /** Clock (ms) for progress and back-off. Default Date.now. */
  now?: () => number
}

export interface SyncStatus {
  /** A sync run is under way. */
  syncing: boolean
  /** Our head height. */
  height: number
  /** The height the current (or last) run aims for; equals `height` when there is nothing to fetch. */
  target: number
  /** Blocks applied per second over the current (or last) run. */
  blocksPerSecond: number
  /** Verified peers connected now. */
  peers: number
}

export interface Sync {
  /**
   * Catches up with the best final head among verified peers, returning when no peer is more than one
   * block ahead, when there is no peer, or when rounds stop making progress. Rejects only when
   * `apply` fails on our side.
   */
  initialSync: () => Promise<void>
  /**
   * The consensus engine saw peers at `height` (its `behind` output): blocks up to height − 1 are final
   * and fetched, from `fromPeerId` first. Concurrent triggers coalesce; never two runs at once.
   */
  onBehind: (height: number, fromPeerId?: string) => void
  /**
   * Fetches blocks by id (a proposal or vote naming a block we lack), from `fromPeerId` first, and syncs
   * up to the highest of them. Resolves when that sync run is over.
   */
  fetchByCid: (cids: CID[], fromPeerId?: string) => Promise<void>
  status: () => SyncStatus
  /** Aborts requests in flight and the current run; resolves once it has stopped. No timer survives. */
  stop: () => Promise<void>
}
