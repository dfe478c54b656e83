/**
 * The on-disk layout of one shard's chain and the codecs of its records. Every record is canonical
 * DAG-CBOR read back through a strict schema, so a damaged record is reported (CORRUPT) instead of
 * being half-trusted. Namespaces, all under `chain-<shard>.`:
 *
 *   blocks    u64 height   → encoded block (header + txs)
 *   blockIds  block CID    → u64 height
 *   commits   u64 height   → the commit certificate that finalized that block (none for genesis)
 *   receipts  u64 height   → the block's receipts, in transaction order
 *   txIndex   tx CID       → {height, index}
 *   state     ledger key   → canonical value (the ledger's KV state, root = head's stateRoot)
 *   meta      "head"       → u64 height of the head block
 *
 * A block, its commit, receipts, index entries, state writes and the new head go in one batch.
 */
import { z, uint, cid, decodeStrict, encode, CodecError, type CID } from '../codec/index.ts'
import { commitSchema, type Commit } from '../consensus/messages.ts'
import { decodeBlock, BlockError, type Block, type Receipt } from '../ledger/index.ts'
import { readU64Key, textKey, type Namespace, type Store } from '../storage/index.ts'
import { ChainError } from './errors.ts'

export interface ChainNamespaces {
  blocks: Namespace
  blockIds: Namespace
  commits: Namespace
  receipts: Namespace
  txIndex: Namespace
  state: Namespace
  meta: Namespace
}

export function chainNamespaces (store: Store, shard: number): ChainNamespaces {
  const root = store.namespace(`chain-${shard}`)
  return {
    blocks: root.namespace('blocks'),
    blockIds: root.namespace('blockIds'),
    commits: root.namespace('commits'),
    receipts: root.namespace('receipts'),
    txIndex: root.namespace('txIndex'),
    state: root.namespace('state'),
    meta: root.namespace('meta')
  }
}

export const HEAD_KEY = textKey('head')

/** Where a final transaction is: its block's height and its position in the block. */
export interface TxLocation {
  height: number
  index: number
}

const locationSchema = z.strictObject({ height: uint, index: uint })

const receiptSchema = z.strictObject({
  tx: cid,
  ok: z.boolean(),
  code: z.string().nullable(),
  mana: uint
})
const receiptsSchema = z.array(receiptSchema)

export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0
}

/** Runs a decoder on a stored record, turning any decoding failure into CORRUPT naming the record. */
function stored<T> (what: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof CodecError || err instanceof BlockError || err instanceof RangeError) {
      throw new ChainError('CORRUPT', `${what} does not decode: ${err.message}`, { cause: err })
    }
    throw err
  }
}

export function decodeStoredBlock (bytes: Uint8Array, height: number): Block {
  return stored(`block ${height}`, () => decodeBlock(bytes))
}

export function encodeCommit (commit: Commit): Uint8Array {
  return encode(commit)
}

export function decodeStoredCommit (bytes: Uint8Array, height: number): Commit {
  return stored(`commit of block ${height}`, () => decodeStrict(commitSchema, bytes) as Commit)
}

export function encodeReceipts (receipts: readonly Receipt[]): Uint8Array {
  return encode(receipts)
}

export function decodeStoredReceipts (bytes: Uint8Array, height: number): Receipt[] {
  return stored(`receipts of block ${height}`, () => decodeStrict(receiptsSchema, bytes) as Receipt[])
}

export function encodeLocation (location: TxLocation): Uint8Array {
  return encode(location)
}

export function decodeStoredLocation (bytes: Uint8Array, id: CID): TxLocation {
  return stored(`index entry of transaction ${id.toString()}`, () => decodeStrict(locationSchema, bytes))
}

export function decodeStoredHeight (bytes: Uint8Array, what: string): number {
  return stored(what, () => readU64Key(bytes))
}
