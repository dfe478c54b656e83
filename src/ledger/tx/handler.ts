/**
 * What a transaction type is: a strict payload schema, a cost in mana (SPEC §4) and the rules that
 * apply it. `apply` runs on a child overlay of the block: it reads and writes state through `ctx.view`
 * and throws a TxError to fail; the executor then drops every write it made (the sender is still
 * charged), so a transaction is never half-applied.
 */
import type { CID, z } from '../../codec/index.ts'
import type { StateOverlay } from '../state/store.ts'
import type { ChainMeta, Params } from '../state/meta.ts'

export interface TxContext {
  view: StateOverlay
  /** The transaction's id (CID of its signed encoding). */
  id: CID
  from: string
  /** Timestamp of the block being executed: the only clock. */
  time: number
  /** Height of the block being executed. */
  height: number
  params: Params
  chain: ChainMeta
}

export interface TxHandler<P> {
  schema: z.ZodType<P>
  cost: (payload: P) => number
  apply: (ctx: TxContext, payload: P) => void
}

/** Declares a handler with its payload type inferred from the schema. */
export function defineTx<P> (handler: TxHandler<P>): TxHandler<P> {
  return handler
}
