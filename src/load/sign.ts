/**
 * Signing ahead of time: every transfer of a run is built, signed and encoded before the first one is
 * sent, so the sender only does HTTP while it is being measured. Each carries its due time (the
 * run's start + its pacing offset) as its signed timestamp: that is the submit time latency is
 * measured from, readable by anyone from the finalized block.
 */
import type { CID } from '../codec/index.ts'
import type { KeyPair } from '../identity/index.ts'
import { buildTx, encodeTx, txId, type Tx } from '../ledger/index.ts'
import { dueOffsetMs } from './pacing.ts'
import { senderOf, type AccountSlot } from './plan.ts'

export interface PlannedTx {
  /** Position in the run (0-based): its due time is start + dueOffsetMs(index). */
  index: number
  account: number
  /** Node API index it is submitted to. */
  target: number
  nonce: number
  /** Signed timestamp = due time, ms. */
  timestamp: number
  id: string
  bytes: Uint8Array
}

export interface SignOptions {
  keys: readonly KeyPair[]
  slots: readonly AccountSlot[]
  /** Each account's first nonce (its next nonce on the node it submits to). */
  nonces: readonly number[]
  /** Transfers in the run. */
  total: number
  /** tx/s: spaces the timestamps. */
  rate: number
  /** Due time of transaction 0, ms. */
  startAt: number
  network: CID
  shards: number
  /** Credits per transfer. Default 1. */
  amount?: number
  /** Transactions [from, total) only; default 0 (a caller may sign in slices to stay responsive). */
  from?: number
  to?: number
}

/** Signs transactions [from, to) of the run. */
export function signTransfers (o: SignOptions): PlannedTx[] {
  const accounts = o.slots.length
  const out: PlannedTx[] = []
  const end = Math.min(o.to ?? o.total, o.total)
  for (let index = o.from ?? 0; index < end; index++) {
    const account = senderOf(index, accounts)
    const slot = o.slots[account] as AccountSlot
    const key = o.keys[account] as KeyPair
    const to = (o.keys[slot.recipient] as KeyPair).did
    const nonce = (o.nonces[account] as number) + Math.floor(index / accounts)
    const timestamp = o.startAt + dueOffsetMs(index, o.rate)
    const tx = buildTx(key, { type: 'transfer', payload: { to, amount: o.amount ?? 1 }, nonce, network: o.network, timestamp, shards: o.shards }) as Tx
    out.push({ index, account, target: slot.target, nonce, timestamp, id: txId(tx).toString(), bytes: encodeTx(tx) })
  }
  return out
}
