/**
 * The transaction envelope (SPEC §4): `{network, type, from, nonce, shard, priority, timestamp,
 * payload, signature}`. The signature is Ed25519 by `from` over the canonical encoding of the envelope
 * without `signature`, in the `icn/tx/v1` domain; the id is the CID of the full signed encoding.
 * Decoding is strict: unknown fields, wrong types and oversize input are refused with the field named.
 * Decoded and built transactions are frozen, which lets their bytes and id be cached beside them.
 */
import { encode, decode, cidOfBytes, z, uint, cid, bytes, parse, CodecError, type CID } from '../../codec/index.ts'
import { Domain, verify, publicKeyFromDid } from '../../identity/index.ts'
import { DEFAULT_ECONOMIC_PARAMS, TX_ENVELOPE_ALLOWANCE } from '../constants.ts'
import { TxError, codecReason } from '../errors.ts'
import { did } from './fields.ts'
import { TX_HANDLERS, TX_TYPES, handlerOf, type TxPayloads, type TxType } from './registry.ts'
import { GenerationalMemo } from '../memo.ts'

export interface TxBody<T extends TxType = TxType> {
  /** Genesis CID of the network the transaction is for. */
  network: CID
  type: T
  from: string
  nonce: number
  shard: number
  /** 1 (default) to 5: mempool ordering only. */
  priority: number
  /** Sender's clock, ms; must be within [block time − 1 day, block time + 5 min] when included. */
  timestamp: number
  payload: TxPayloads[T]
}

export interface SignedTx<T extends TxType = TxType> extends TxBody<T> { signature: Uint8Array }

/** A signed transaction of any type, discriminated by `type`. */
export type Tx = { [K in TxType]: SignedTx<K> }[TxType]

/** Largest encoded transaction accepted by default: the payload cap plus room for the envelope. */
export const DEFAULT_MAX_TX_BYTES = DEFAULT_ECONOMIC_PARAMS.maxTxPayloadBytes + TX_ENVELOPE_ALLOWANCE

export const PRIORITY_MIN = 1
export const PRIORITY_MAX = 5

const envelopeSchema = z.strictObject({
  network: cid,
  type: z.enum(TX_TYPES as [TxType, ...TxType[]]),
  from: did,
  nonce: uint,
  shard: uint,
  priority: z.number().int().min(PRIORITY_MIN).max(PRIORITY_MAX),
  timestamp: uint,
  payload: z.unknown(),
  signature: bytes({ len: 64 })
})

interface Encoded { bytes: Uint8Array, id: CID }
const encodedCache = new WeakMap<object, Encoded>()

function freeze<T> (value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || value instanceof Uint8Array) return value
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== Array.prototype) return value
  Object.freeze(value)
  for (const v of Object.values(value)) freeze(v)
  return value
}

/** Freezes `tx` and remembers its encoding, so id and bytes are computed once. */
export function sealTx<T extends Tx> (tx: T, bytes?: Uint8Array): T {
  freeze(tx)
  if (!encodedCache.has(tx)) {
    const b = bytes ?? encode(tx)
    encodedCache.set(tx, { bytes: b, id: cidOfBytes(b) })
  }
  return tx
}

function encoded (tx: Tx): Encoded {
  let e = encodedCache.get(tx)
  if (e === undefined) {
    const b = encode(tx)
    e = { bytes: b, id: cidOfBytes(b) }
    if (Object.isFrozen(tx)) encodedCache.set(tx, e)
  }
  return e
}

export function encodeTx (tx: Tx): Uint8Array {
  return encoded(tx).bytes
}

/** The transaction id: CID of the canonical encoding of the signed transaction. */
export function txId (tx: Tx): CID {
  return encoded(tx).id
}

export function txBody<T extends Tx> (tx: T): TxBody {
  const { signature: _, ...body } = tx
  return body as TxBody
}

/** The bytes `from` signs: the canonical encoding of the envelope without its signature. */
export function txSigningPayload (body: TxBody): Uint8Array {
  return encode(body)
}

/** Checks an already-decoded value (e.g. inside a block) and returns a sealed transaction. */
export function parseTx (value: unknown, field = ''): Tx {
  return sealTx(checkShape(value, field))
}

function checkShape (value: unknown, field: string): Tx {
  const prefix = (f: string): string => [field, f].filter((p) => p !== '').join('.')
  let envelope: z.output<typeof envelopeSchema>
  try {
    envelope = parse(envelopeSchema, value, field)
  } catch (err) {
    if (err instanceof CodecError) throw new TxError('MALFORMED', err.field, codecReason(err))
    throw err
  }
  let payload: unknown
  try {
    payload = parse(TX_HANDLERS[envelope.type].schema as z.ZodType, envelope.payload, prefix('payload'))
  } catch (err) {
    if (err instanceof CodecError) throw new TxError('MALFORMED', err.field, codecReason(err))
    throw err
  }
  return { ...envelope, payload } as Tx
}

/**
 * Recently decoded transactions by the hash of their bytes. A transaction reaches a node several
 * times — in a gossip batch, then inside the proposed block, then maybe from sync — and its bytes
 * decide everything decoding returns, so the second time costs a hash instead of a decode, a schema
 * check and a re-encode (~40 µs). Bounded (2 generations of 8,192 transactions of a few hundred
 * bytes cover the seconds between a transaction's gossip and its block).
 */
const decodedTxs = new GenerationalMemo<string, Tx>(8_192)

/** Decodes a transaction from bytes (refusing more than `maxBytes`) and checks its shape strictly. */
export function decodeTx (data: Uint8Array, maxBytes = DEFAULT_MAX_TX_BYTES): Tx {
  if (data.byteLength > maxBytes) throw new TxError('TX_TOO_LARGE', '', `${data.byteLength} bytes exceeds the limit of ${maxBytes}`)
  const id = cidOfBytes(data)
  const key = Buffer.from(id.multihash.digest).toString('base64')
  const known = decodedTxs.get(key)
  if (known !== undefined) return known
  let value: unknown
  try {
    value = decode(data)
  } catch (err) {
    throw new TxError('MALFORMED', '', (err as Error).message)
  }
  // Canonical decoding means re-encoding gives these very bytes; keep them and their id (a copy
  // when they are a view into a larger buffer, such as a whole block, which must not stay pinned).
  const tx = checkShape(value, '')
  freeze(tx)
  const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice()
  encodedCache.set(tx, { bytes: own, id })
  decodedTxs.set(key, tx)
  return tx
}

/** Ids of transactions whose signature verified: 2 generations of 50,000. */
const verified = new GenerationalMemo<string, true>(50_000)

/**
 * True when the signature is `from`'s over the envelope. Results are memoized by transaction id: the id
 * hashes the exact signed bytes, so a transaction checked at mempool admission is not re-verified when
 * its block executes.
 */
export function verifyTxSignature (tx: Tx): boolean {
  const id = txId(tx).toString()
  if (verified.get(id) === true) return true
  const ok = verify(publicKeyFromDid(tx.from), Domain.Transaction, txSigningPayload(txBody(tx)), tx.signature)
  if (ok) verified.set(id, true)
  return ok
}

/** Forgets every memoized decoding (benchmarks measuring decoding cost use it). */
export function clearDecodedTxs (): void {
  decodedTxs.clear()
}

/** Forgets every memoized signature verification (benchmarks measuring verification cost use it). */
export function clearVerifiedSignatures (): void {
  verified.clear()
}

/** Mana the transaction costs (SPEC §4). */
export function txCost (tx: Tx): number {
  return handlerOf(tx.type).cost(tx.payload as never)
}
