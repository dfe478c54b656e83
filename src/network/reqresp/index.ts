/**
 * Request/response protocols (SPEC §11; wire format in protocols/reqresp.md): `status`,
 * `blocks_by_range` and `blocks_by_cid` over `/icn/req/<method>/1`, one stream per request, a
 * length-prefixed DAG-CBOR request and result-coded, length-prefixed response chunks. Size-capped,
 * timed out on both sides, rate-limited per peer and method, verified peers only.
 *
 * - `createReqResp({host, chain, networkId, reportPeer, …})` → `ReqResp`: `start()` registers the
 *   responder (serving from the node's `ChainReader`), `requestStatus / requestBlocksByRange /
 *   requestBlocksByCid` ask a peer and return strictly decoded, contract-checked values, `stop()`.
 * - Every failure is a `ReqRespError` with a `code`; failures that say something about a peer are
 *   reported once through `reportPeer(peerId, action, 'reqresp:<method>:<CODE>')`.
 * - Responses are decoded, not verified: commit certificates and parent links are the caller's (sync's).
 */
export { createReqResp } from './reqresp.ts'
export { ReqRespError, OUTBOUND_ACTION, type ReqRespErrorCode, type PeerAction, type ReportPeer } from './errors.ts'
export type {
  ReqResp, ReqRespOptions, ReqRespHost, ChainReader, ChainStatus, StatusMessage, BlockRef, ServedBlock, FetchedBlock, RequestOptions
} from './types.ts'
export {
  METHOD_NAMES, PROTOCOL_IDS, ResultCode, MAX_REQUEST_BYTES, MAX_BLOCKS_PER_RANGE, MAX_CIDS_PER_REQUEST, MAX_COMMIT_BYTES,
  DEFAULT_RATE_LIMITS, DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_TTFB_TIMEOUT_MS, DEFAULT_CHUNK_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_DIAL_TIMEOUT_MS, type Method, type MethodRateLimit, type BucketSpec
} from './constants.ts'
export { maxBlockChunkBytes } from './methods/block-chunk.ts'
export { encodeChunk, encodeErrorChunk, encodeRequestFrame, encodeVarint } from './framing.ts'
