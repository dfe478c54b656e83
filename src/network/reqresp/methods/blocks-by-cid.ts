/**
 * `/icn/req/blocks_by_cid/1`: blocks by id, for a proposal or a vote naming a block we lack. Request
 * `{cids: CID[1–32], distinct}`; response one block chunk per requested block the responder holds, in
 * request order, unknown ones skipped.
 */
import { z, cid } from '../../../codec/index.ts'
import { ReqRespError } from '../errors.ts'
import { MAX_CIDS_PER_REQUEST } from '../constants.ts'
import { abortable } from '../abort.ts'
import type { CID } from '../../../codec/index.ts'
import type { FetchedBlock } from '../types.ts'
import { decodeBlockChunk, encodeBlockChunk, maxBlockChunkBytes } from './block-chunk.ts'
import type { MethodDef } from './method.ts'

export interface BlocksByCidRequest {
  cids: CID[]
}

function indexOf (cids: readonly CID[], id: CID): number {
  return cids.findIndex((c) => c.equals(id))
}

export const blocksByCid: MethodDef<BlocksByCidRequest, FetchedBlock> = {
  method: 'blocks_by_cid',
  requestSchema: z.strictObject({ cids: z.array(cid).min(1).max(MAX_CIDS_PER_REQUEST) }),
  checkRequest: (req) => {
    const seen = new Set(req.cids.map((c) => c.toString()))
    return seen.size === req.cids.length ? undefined : 'cids must be distinct'
  },
  blockCost: (req) => req.cids.length,
  minChunks: () => 0,
  maxChunks: (req) => req.cids.length,
  maxChunkBytes: maxBlockChunkBytes,

  async * serve (req, ctx) {
    for (const id of req.cids) {
      const served = await abortable(ctx.chain.blockByCid(id), ctx.signal)
      if (served === undefined || served.commit === null || served.commit === undefined) continue
      yield encodeBlockChunk(served)
    }
  },

  decodeChunk (req, payload, previous, ctx) {
    const fetched = decodeBlockChunk(payload, ctx.maxBlockBytes)
    const at = indexOf(req.cids, fetched.cid)
    // [low] only requested blocks, each once, in request order
    if (at < 0) throw new ReqRespError('INVALID_RESPONSE', `block ${fetched.cid.toString()} was not requested`)
    const last = previous.at(-1)
    if (last !== undefined && at <= indexOf(req.cids, last.cid)) {
      throw new ReqRespError('INVALID_RESPONSE', `block ${fetched.cid.toString()} is out of request order or repeated`)
    }
    return fetched
  }
}
