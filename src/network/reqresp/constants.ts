/**
 * Request/response wire constants (protocols/reqresp.md) and the defaults of what a node may tune,
 * applied once in `createReqResp` as `init.x ?? DEFAULT_X`. Protocol limits (request size, blocks per
 * range, CIDs per request) are not tunable: every implementation must accept requests up to them.
 */
import { DEFAULT_CONSENSUS_PARAMS } from '../../consensus/params.ts'

/** The methods, by the short name used in logs, reasons and the handler table. */
export const METHOD_NAMES = ['status', 'blocks_by_range', 'blocks_by_cid'] as const
export type Method = typeof METHOD_NAMES[number]

/** Protocol id of each method, negotiated with multistream-select. */
export const PROTOCOL_IDS: Record<Method, string> = {
  status: '/icn/req/status/1',
  blocks_by_range: '/icn/req/blocks_by_range/1',
  blocks_by_cid: '/icn/req/blocks_by_cid/1'
}

/** Result code, the first byte of every response chunk. */
export const ResultCode = {
  Success: 0,
  InvalidRequest: 1,
  ServerError: 2,
  RateLimited: 3,
  ResourceUnavailable: 4
} as const
export type ResultCode = typeof ResultCode[keyof typeof ResultCode]

/** Largest request body (the length prefix excluded): 32 sha2-256 CIDs take ~1.3 KiB. */
export const MAX_REQUEST_BYTES = 2048
/** Most blocks one blocks_by_range request may ask for. */
export const MAX_BLOCKS_PER_RANGE = 64
/** Most CIDs in one blocks_by_cid request. */
export const MAX_CIDS_PER_REQUEST = 32
/** Budget for the commit certificate in a block chunk (≈ 1,900 signatures of ~135 bytes). */
export const MAX_COMMIT_BYTES = 256 * 1024
/** What a block chunk's map adds around the block bytes and the commit (keys, heads, length prefixes). */
export const CHUNK_OVERHEAD_BYTES = 64
/** Largest payload of an error chunk (`{message}`), and the most characters of its message. */
export const MAX_ERROR_PAYLOAD_BYTES = 512
export const MAX_ERROR_MESSAGE_CHARS = 256
/** Longest unsigned varint accepted as a length prefix (5 bytes hold every length below 2^35). */
export const MAX_VARINT_BYTES = 5

/** Default largest encoded block: the consensus default (SPEC §7: 1 MiB). */
export const DEFAULT_MAX_BLOCK_BYTES = DEFAULT_CONSENSUS_PARAMS.maxBlockBytes

/** Opening the stream (dial if needed, protocol negotiation). */
export const DEFAULT_DIAL_TIMEOUT_MS = 5_000
/** From the request sent to the first byte of the response (responder: to the complete request). */
export const DEFAULT_TTFB_TIMEOUT_MS = 5_000
/** From the first byte, or the end of the previous chunk, to the end of the next chunk. */
export const DEFAULT_CHUNK_TIMEOUT_MS = 10_000
/** The whole request, from opening the stream to the end of the response, on both sides. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

/** Inbound streams one connection may hold open per method (libp2p's default 32 is too low for sync). */
export const DEFAULT_MAX_INBOUND_STREAMS: Record<Method, number> = {
  status: 32,
  blocks_by_range: 128,
  blocks_by_cid: 128
}
/** Outbound streams per connection per method. */
export const DEFAULT_MAX_OUTBOUND_STREAMS = 128

/** A token bucket: `capacity` tokens, refilled at `refillPerSecond`. */
export interface BucketSpec {
  capacity: number
  refillPerSecond: number
}

/** Per peer, per method: a bucket of requests and, for the block methods, a bucket of blocks. */
export interface MethodRateLimit {
  requests: BucketSpec
  blocks?: BucketSpec
}

export const DEFAULT_RATE_LIMITS: Record<Method, MethodRateLimit> = {
  status: { requests: { capacity: 10, refillPerSecond: 1 } },
  blocks_by_range: {
    requests: { capacity: 64, refillPerSecond: 16 },
    blocks: { capacity: 2048, refillPerSecond: 512 }
  },
  blocks_by_cid: {
    requests: { capacity: 64, refillPerSecond: 16 },
    blocks: { capacity: 256, refillPerSecond: 64 }
  }
}

/** Peers × methods tracked by the rate limiter before full (idle) buckets are swept. */
export const RATE_LIMITER_MAX_TRACKED = 4096
