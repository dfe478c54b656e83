/**
 * `/icn/req/blocks_by_range/1`: consecutive final blocks. Request `{start ≥ 1, count 1–64}`; response
 * one block chunk per block start, start+1, … in height order, stopping at the responder's head (so
 * possibly none), never a gap.
 */
import { z, posint } from '../../../codec/index.ts'
import { ReqRespError } from '../errors.ts'
import { MAX_BLOCKS_PER_RANGE } from '../constants.ts'
import { abortable, iterate } from '../abort.ts'
import type { FetchedBlock } from '../types.ts'
import { decodeBlockChunk, encodeBlockChunk, maxBlockChunkBytes } from './block-chunk.ts'
import type { MethodDef } from './method.ts'

export interface BlocksByRangeRequest {
  start: number
  count: number
}

export const blocksByRange: MethodDef<BlocksByRangeRequest, FetchedBlock> = {
  method: 'blocks_by_range',
  // genesis (height 0) is not served: every node builds it from the genesis file, and it has no commit
  requestSchema: z.strictObject({ start: posint, count: posint }),
  checkRequest: (req) => {
    if (req.count > MAX_BLOCKS_PER_RANGE) return `count ${req.count} is above ${MAX_BLOCKS_PER_RANGE}`
    if (!Number.isSafeInteger(req.start + req.count)) return 'start + count is not a safe integer'
    return undefined
  },
  blockCost: (req) => req.count,
  minChunks: () => 0,
  maxChunks: (req) => req.count,
  maxChunkBytes: maxBlockChunkBytes,

  async * serve (req, ctx) {
    const source = await abortable(ctx.chain.blocksRange(req.start, req.count), ctx.signal)
    let next = req.start
    for await (const served of iterate(source, ctx.signal)) {
      if (next >= req.start + req.count) break
      if (served.commit.height !== next) {
        // a reader that skips or repeats a height: stop short rather than send a gap
        ctx.log.warn({ expected: next, got: served.commit.height }, 'blocks_by_range: the chain reader left the sequence; response cut short')
        break
      }
      yield encodeBlockChunk(served)
      next++
    }
  },

  decodeChunk (req, payload, previous, ctx) {
    const fetched = decodeBlockChunk(payload, ctx.maxBlockBytes)
    const expected = req.start + previous.length
    // [low] chunks are consecutive heights from `start`: no gap, no repeat, no reordering
    if (fetched.block.header.height !== expected) {
      throw new ReqRespError('INVALID_RESPONSE', `chunk ${previous.length} holds height ${fetched.block.header.height}, expected ${expected}`)
    }
    return fetched
  }
}
