/**
 * Builds and signs a transaction of any type, so users, the CLI and tests never hand-craft bytes.
 * The payload is checked against its type's schema first: a malformed payload fails here, with the
 * field named, rather than at a peer.
 */
import { parse, CodecError, type CID, type z } from '../../codec/index.ts'
import { Domain, type KeyPair } from '../../identity/index.ts'
import { TxError, codecReason } from '../errors.ts'
import { parseTx, txSigningPayload, type SignedTx, type TxBody } from './envelope.ts'
import { handlerOf, type TxPayloads, type TxType } from './registry.ts'
import { shardOf } from './shard.ts'

export interface BuildTxOptions<T extends TxType> {
  type: T
  payload: TxPayloads[T]
  /** The sender account's next nonce (or a later one, to queue). */
  nonce: number
  /** Genesis CID of the target network. */
  network: CID
  /** Sender's clock in ms; the core has no clock, so the caller passes it. */
  timestamp: number
  /** Shard count of the network; the shard is derived from the sender's DID. Default 1. */
  shards?: number
  /** 1–5, default 1. */
  priority?: number
}

export function buildTx<T extends TxType> (key: KeyPair, opts: BuildTxOptions<T>): SignedTx<T> {
  let payload: TxPayloads[T]
  try {
    payload = parse(handlerOf(opts.type).schema as z.ZodType, opts.payload, 'payload') as TxPayloads[T]
  } catch (err) {
    if (err instanceof CodecError) throw new TxError('MALFORMED', err.field, codecReason(err))
    throw err
  }
  const body: TxBody<T> = {
    network: opts.network,
    type: opts.type,
    from: key.did,
    nonce: opts.nonce,
    shard: shardOf(key.did, opts.shards ?? 1),
    priority: opts.priority ?? 1,
    timestamp: opts.timestamp,
    payload
  }
  const signature = key.sign(Domain.Transaction, txSigningPayload(body as TxBody))
  // Re-check the whole envelope (nonce, priority, timestamp ranges) the way a peer will.
  return parseTx({ ...body, signature }) as SignedTx<T>
}
