/**
 * The method table: one definition per method, keyed by the exhaustive Method union, so a method
 * without a handler (or a handler without a method) does not compile.
 */
import type { Method } from '../constants.ts'
import type { FetchedBlock, StatusMessage } from '../types.ts'
import type { MethodDef } from './method.ts'
import { status, type StatusRequest } from './status.ts'
import { blocksByRange, type BlocksByRangeRequest } from './blocks-by-range.ts'
import { blocksByCid, type BlocksByCidRequest } from './blocks-by-cid.ts'

export interface MethodTypes {
  status: { request: StatusRequest, item: StatusMessage }
  blocks_by_range: { request: BlocksByRangeRequest, item: FetchedBlock }
  blocks_by_cid: { request: BlocksByCidRequest, item: FetchedBlock }
}

export type MethodTable = { [M in Method]: MethodDef<MethodTypes[M]['request'], MethodTypes[M]['item']> }

/** The definition of method `M`, typed by its request and chunk types. */
export type DefOf<M extends Method> = MethodDef<MethodTypes[M]['request'], MethodTypes[M]['item']>

export const METHODS: MethodTable = {
  status,
  blocks_by_range: blocksByRange,
  blocks_by_cid: blocksByCid
}

export type { MethodDef, ServeContext, DecodeContext } from './method.ts'
export type { StatusRequest, BlocksByRangeRequest, BlocksByCidRequest }
export { MAX_STATUS_BYTES } from './status.ts'
