/** Public types of the request/response service: what it serves from, returns, and is built with. */
import type { Logger } from 'pino'
import type { CID } from '../../codec/index.ts'
import type { Commit } from '../../consensus/messages.ts'
import type { Block } from '../../ledger/index.ts'
import type { NetworkHost } from '../types.ts'
import type { Method, MethodRateLimit } from './constants.ts'
import type { ReportPeer } from './errors.ts'

/** A block by height and id. */
export interface BlockRef {
  height: number
  cid: CID
}

/** The status response (and what a ChainReader reports, without the network id). */
export interface StatusMessage {
  /** The genesis CID. */
  networkId: CID
  /** The highest block the node holds. */
  head: BlockRef
  /** The highest final block; with BFT finality every stored block is final, so it equals `head`. */
  finalized: BlockRef
}

export type ChainStatus = Omit<StatusMessage, 'networkId'>

/** A block as the server reads it: encoded (`encodeBlock`) or decoded, with the commit that finalized it. */
export interface ServedBlock {
  block: Uint8Array | Block
  commit: Commit
}

/**
 * What the responder serves from; the node implements it over its chain store. Methods may throw
 * `new ReqRespError('UNAVAILABLE', …)` for data the node does not hold (answered with result code 4);
 * any other exception is answered with code 2 (server error).
 */
export interface ChainReader {
  status: () => ChainStatus | Promise<ChainStatus>
  /**
   * Up to `count` consecutive blocks from height `start` (≥ 1), in height order, stopping at the head.
   * The responder stops at the first block out of sequence, so a reader never causes a gap on the wire.
   */
  blocksRange: (start: number, count: number) => AsyncIterable<ServedBlock> | Iterable<ServedBlock> | Promise<Iterable<ServedBlock>>
  /** The block with this id (its header's CID), or undefined when unknown. Genesis has no commit: skip it. */
  blockByCid: (cid: CID) => ServedBlock | undefined | Promise<ServedBlock | undefined>
}

/** A block a peer sent, strictly decoded, with its id computed here and its (not yet verified) commit. */
export interface FetchedBlock {
  block: Block
  /** blockId(block.header), computed locally. */
  cid: CID
  commit: Commit
  /** Encoded size of the block. */
  bytes: number
}

export interface RequestOptions {
  /** Aborts the request (ReqRespError ABORTED). */
  signal?: AbortSignal
}

/** The host surface the service uses. */
export type ReqRespHost = Pick<NetworkHost, 'handle' | 'unhandle' | 'isVerified' | 'libp2p'>

export interface ReqRespOptions {
  host: ReqRespHost
  /** Serves inbound requests. */
  chain: ChainReader
  /** Our genesis CID: sent in status answers, required in the status answers we receive. */
  networkId: CID
  /** Peer conduct reports (peer-scoring module). Default: none. */
  reportPeer?: ReportPeer
  /** Default: logging off. */
  logger?: Logger
  /** Largest encoded block accepted (consensus maxBlockBytes). Default 1 MiB. */
  maxBlockBytes?: number
  /** Stream opening. Default 5 000 ms. */
  dialTimeoutMs?: number
  /** Request sent → first response byte; for the responder, stream open → complete request. Default 5 000 ms. */
  ttfbTimeoutMs?: number
  /** First byte or previous chunk → end of the next chunk. Default 10 000 ms. */
  chunkTimeoutMs?: number
  /** The whole request, on both sides. Default 30 000 ms. */
  requestTimeoutMs?: number
  /** Inbound rate limits per peer and method. Default DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<Record<Method, MethodRateLimit>>
  /** Inbound streams per connection per method. Default DEFAULT_MAX_INBOUND_STREAMS (32 / 128 / 128). */
  maxInboundStreams?: Partial<Record<Method, number>>
  /** Outbound streams per connection per method. Default 128. */
  maxOutboundStreams?: number
  /** Clock for rate limiting (ms). Default Date.now. */
  now?: () => number
}

export interface ReqResp {
  /** Registers the three protocols on the host (verified peers only). */
  start: () => Promise<void>
  /** Unregisters them and aborts every request in flight, inbound and outbound. */
  stop: () => Promise<void>
  requestStatus: (peerId: string, opts?: RequestOptions) => Promise<StatusMessage>
  /** Blocks start … start+count−1 (count ≤ 64), in order, possibly fewer (the peer's head), never gaps. */
  requestBlocksByRange: (peerId: string, start: number, count: number, opts?: RequestOptions) => Promise<FetchedBlock[]>
  /** The blocks the peer knows among `cids` (≤ 32, distinct), in request order. */
  requestBlocksByCid: (peerId: string, cids: CID[], opts?: RequestOptions) => Promise<FetchedBlock[]>
}
