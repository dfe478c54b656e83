/**
 * The rules a transaction must meet before it may enter the mempool (`checkTx`) or a block
 * (`admitTx`). They differ only in the nonce: the mempool queues future nonces, a block needs the
 * exact next one. Failing them never costs the sender anything, because nothing was executed; a block
 * that contains a transaction failing them is invalid as a whole.
 * Cheap stateless checks run first, then the signature, then those that read state.
 */
import type { CID } from '../../codec/index.ts'
import { encode } from '../../codec/index.ts'
import { TxError } from '../errors.ts'
import { getAccount, regenerate, type Account } from '../state/accounts.ts'
import { getChain, getParams, type ChainMeta, type Params } from '../state/meta.ts'
import { totalReputation } from '../state/reputation.ts'
import type { StateReader } from '../state/store.ts'
import { encodeTx, txCost, txId, verifyTxSignature, type Tx } from './envelope.ts'
import { shardOf } from './shard.ts'

/** What admission found out, for the mempool's bookkeeping and the executor's charge. */
export interface Admission {
  id: CID
  cost: number
  account: Account
  /** Mana at the check's block time, after regeneration, before the cost. */
  mana: number
  manaAt: number
}

function checkStateless (tx: Tx, chain: ChainMeta, params: Params, time: number): void {
  const sameNetwork: boolean = tx.network.equals(chain.network)
  if (!sameNetwork) {
    throw new TxError('WRONG_NETWORK', 'network', `transaction is for network ${tx.network.toString()}, not ${chain.network.toString()}`)
  }
  const shard = shardOf(tx.from, chain.shards)
  if (tx.shard !== shard) throw new TxError('WRONG_SHARD', 'shard', `sender belongs to shard ${shard}`)
  if (tx.shard !== chain.shard) throw new TxError('WRONG_SHARD', 'shard', `this chain is shard ${chain.shard}`)
  const econ = params.economics
  // The payload is smaller than the whole transaction, so it is only measured when that could matter.
  if (encodeTx(tx).byteLength > econ.maxTxPayloadBytes) {
    const size = encode(tx.payload).byteLength
    if (size > econ.maxTxPayloadBytes) {
      throw new TxError('PAYLOAD_TOO_LARGE', 'payload', `${size} bytes exceeds the limit of ${econ.maxTxPayloadBytes}`)
    }
  }
  if (tx.timestamp < time - econ.txMaxAgeMs) throw new TxError('TX_EXPIRED', 'timestamp', `older than ${econ.txMaxAgeMs} ms before block time`)
  if (tx.timestamp > time + econ.txMaxFutureMs) throw new TxError('TX_FROM_FUTURE', 'timestamp', `more than ${econ.txMaxFutureMs} ms after block time`)
  if (!verifyTxSignature(tx)) throw new TxError('BAD_SIGNATURE', 'signature', `not a signature of ${tx.from} over this transaction`)
}

function checkSender (view: StateReader, tx: Tx, params: Params, time: number, exactNonce: boolean): Admission {
  const account = getAccount(view, tx.from)
  if (account === undefined) throw new TxError('UNKNOWN_SENDER', 'from', `${tx.from} has no account`)
  if (tx.nonce < account.nonce) throw new TxError('NONCE_TOO_LOW', 'nonce', `nonce ${tx.nonce} already used; next is ${account.nonce}`)
  if (exactNonce && tx.nonce > account.nonce) throw new TxError('NONCE_GAP', 'nonce', `nonce ${tx.nonce} is ahead of the next nonce ${account.nonce}`)
  const cost = txCost(tx)
  const { mana, manaAt } = regenerate(account, totalReputation(view, tx.from, time), time, params.economics)
  if (cost > mana) throw new TxError('INSUFFICIENT_MANA', 'from', `costs ${cost} mana, ${tx.from} has ${mana}`)
  return { id: txId(tx), cost, account, mana, manaAt }
}

/**
 * Mempool admission (SPEC §4–5): network, shard, payload size, timestamp window, signature, sender
 * account, nonce not used (future nonces allowed for queueing) and enough mana at `blockTime` (the
 * node's estimate of the next block time). Throws a TxError; returns the id and cost.
 */
export function checkTx (state: StateReader, tx: Tx, opts: { blockTime: number }): Admission {
  const chain = getChain(state)
  const params = getParams(state)
  checkStateless(tx, chain, params, opts.blockTime)
  return checkSender(state, tx, params, opts.blockTime, false)
}

/** Inclusion in a block at `time`: checkTx's rules with the exact next nonce. */
export function admitTx (view: StateReader, tx: Tx, chain: ChainMeta, params: Params, time: number): Admission {
  checkStateless(tx, chain, params, time)
  return checkSender(view, tx, params, time, true)
}
