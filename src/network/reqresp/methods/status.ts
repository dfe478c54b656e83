/**
 * `/icn/req/status/1`: the responder's chain tip. Request `{}`; response exactly one chunk
 * `{networkId, head: {height, cid}, finalized: {height, cid}}`.
 */
import { encode, decodeStrict, z, uint, cid, CodecError } from '../../../codec/index.ts'
import { ReqRespError } from '../errors.ts'
import { abortable } from '../abort.ts'
import type { StatusMessage } from '../types.ts'
import type { MethodDef } from './method.ts'

/** Largest status payload: a CID is ~40 bytes, the whole map stays under 256. */
export const MAX_STATUS_BYTES = 1024

export type StatusRequest = Record<never, never>

const blockRef = z.strictObject({ height: uint, cid })
const statusSchema = z.strictObject({ networkId: cid, head: blockRef, finalized: blockRef })

export const status: MethodDef<StatusRequest, StatusMessage> = {
  method: 'status',
  requestSchema: z.strictObject({}),
  checkRequest: () => undefined,
  blockCost: () => 0,
  minChunks: () => 1,
  maxChunks: () => 1,
  maxChunkBytes: () => MAX_STATUS_BYTES,

  async * serve (_req, ctx) {
    const { head, finalized } = await abortable(ctx.chain.status(), ctx.signal)
    yield encode({ networkId: ctx.networkId, head: { height: head.height, cid: head.cid }, finalized: { height: finalized.height, cid: finalized.cid } })
  },

  decodeChunk (_req, payload, _previous, ctx) {
    let message: StatusMessage
    try {
      message = decodeStrict(statusSchema, payload, MAX_STATUS_BYTES)
    } catch (err) {
      if (err instanceof CodecError) throw new ReqRespError('MALFORMED', `status: ${err.message}`, { cause: err })
      throw err
    }
    // [fatal] the handshake established the peer's network: a status naming another one is a lie
    if (!message.networkId.equals(ctx.networkId)) {
      throw new ReqRespError('INVALID_RESPONSE', `status names network ${message.networkId.toString()}`, { action: 'fatal' })
    }
    // [low] nothing is final above the head
    if (message.finalized.height > message.head.height) {
      throw new ReqRespError('INVALID_RESPONSE', `finalized height ${message.finalized.height} is above head height ${message.head.height}`)
    }
    return message
  }
}
