/**
 * What defines a request/response method: its request schema and rules, its costs and chunk bounds,
 * how the responder produces its chunks and how the requester checks each one. One file per method
 * implements this; `methods/index.ts` lists them in an exhaustive table.
 */
import type { Logger } from 'pino'
import type { CID, z } from '../../../codec/index.ts'
import type { Method } from '../constants.ts'
import type { ChainReader } from '../types.ts'

export interface ServeContext {
  chain: ChainReader
  networkId: CID
  /** Fires when the request times out, the requester goes away or the service stops. */
  signal: AbortSignal
  log: Logger
}

export interface DecodeContext {
  networkId: CID
  maxBlockBytes: number
}

export interface MethodDef<Req, Item> {
  readonly method: Method
  readonly requestSchema: z.ZodType<Req>
  /** Rules beyond the schema: the broken one named, or undefined. Applied by both sides. */
  checkRequest: (req: Req) => string | undefined
  /** Tokens charged to the peer's block bucket. */
  blockCost: (req: Req) => number
  /** Bounds on the number of success chunks in a valid response. */
  minChunks: (req: Req) => number
  maxChunks: (req: Req) => number
  /** Largest chunk payload the requester accepts. */
  maxChunkBytes: (maxBlockBytes: number) => number
  /** Responder: the success payloads for a valid request, in order. */
  serve: (req: Req, ctx: ServeContext) => AsyncIterable<Uint8Array>
  /**
   * Requester: decodes one success payload and checks it against the request and the chunks before it;
   * throws ReqRespError MALFORMED / TOO_LARGE / INVALID_RESPONSE.
   */
  decodeChunk: (req: Req, payload: Uint8Array, previous: readonly Item[], ctx: DecodeContext) => Item
}
