/**
 * Executes one admitted transaction inside a block: the sender is charged (mana and nonce) on the
 * block's overlay, then the type's rules run on a child overlay that is merged on success and dropped
 * on failure. A failed transaction is thus recorded, charged, and never half-applied.
 */
import type { CID } from '../../codec/index.ts'
import { TxError, type TxErrorCode } from '../errors.ts'
import { putAccount } from '../state/accounts.ts'
import type { ChainMeta, Params } from '../state/meta.ts'
import type { StateOverlay } from '../state/store.ts'
import type { Admission } from './check.ts'
import type { Tx } from './envelope.ts'
import { handlerOf } from './registry.ts'

export interface TxOutcome {
  id: CID
  ok: boolean
  /** Why it failed; null on success. */
  code: TxErrorCode | null
  /** Mana charged. */
  mana: number
}

export interface ExecutionContext {
  time: number
  height: number
  params: Params
  chain: ChainMeta
}

export function executeTx (view: StateOverlay, tx: Tx, admission: Admission, ctx: ExecutionContext): TxOutcome {
  const { account, cost, mana, manaAt, id } = admission
  putAccount(view, tx.from, { ...account, mana: mana - cost, manaAt, nonce: account.nonce + 1 })
  const scratch = view.child()
  try {
    handlerOf(tx.type).apply({ view: scratch, id, from: tx.from, ...ctx }, tx.payload as never)
  } catch (err) {
    if (err instanceof TxError) return { id, ok: false, code: err.code, mana: cost }
    throw err
  }
  scratch.mergeIntoParent()
  return { id, ok: true, code: null, mana: cost }
}
