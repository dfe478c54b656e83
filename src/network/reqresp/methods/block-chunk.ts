/**
 * The block chunk shared by blocks_by_range and blocks_by_cid: `{block: bytes, commit: Commit}`, the
 * block as `encodeBlock` bytes (so its size is known before it is decoded) and the commit certificate
 * that finalized it.
 */
import { encode, decodeStrict, bytes, z, CodecError } from '../../../codec/index.ts'
import { commitSchema, type Commit } from '../../../consensus/messages.ts'
import { BlockError, blockId, decodeBlock, encodeBlock } from '../../../ledger/index.ts'
import { ReqRespError } from '../errors.ts'
import { CHUNK_OVERHEAD_BYTES, MAX_COMMIT_BYTES } from '../constants.ts'
import type { FetchedBlock, ServedBlock } from '../types.ts'

const blockChunkSchema = z.strictObject({ block: bytes(), commit: commitSchema })

export function maxBlockChunkBytes (maxBlockBytes: number): number {
  return maxBlockBytes + MAX_COMMIT_BYTES + CHUNK_OVERHEAD_BYTES
}

export function encodeBlockChunk (served: ServedBlock): Uint8Array {
  const block = served.block instanceof Uint8Array ? served.block : encodeBlock(served.block)
  return encode({ block, commit: served.commit })
}

/** Strict decoding of a block chunk, the block itself included (size-capped at `maxBlockBytes`). */
export function decodeBlockChunk (payload: Uint8Array, maxBlockBytes: number): FetchedBlock {
  let chunk: { block: Uint8Array, commit: Commit }
  try {
    chunk = decodeStrict(blockChunkSchema, payload) as { block: Uint8Array, commit: Commit }
  } catch (err) {
    if (err instanceof CodecError) throw new ReqRespError('MALFORMED', `block chunk: ${err.message}`, { cause: err })
    throw err
  }
  try {
    const block = decodeBlock(chunk.block, maxBlockBytes)
    return { block, cid: blockId(block.header), commit: chunk.commit, bytes: chunk.block.byteLength }
  } catch (err) {
    if (err instanceof BlockError) {
      throw new ReqRespError(err.code === 'TOO_LARGE' ? 'TOO_LARGE' : 'MALFORMED', `block chunk: ${err.message}`, { cause: err })
    }
    throw err
  }
}
