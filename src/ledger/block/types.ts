/**
 * Blocks (SPEC §7): a header and the transactions. The block id is the CID of the header, which
 * commits to the transactions through txRoot, to the state after the block through stateRoot, and to
 * their receipts through receiptsRoot. Genesis is height 0 with parent null and no proposer; block 1's
 * parent is the genesis header's CID. `lastCommit` is the commit certificate of the parent block
 * (null at height 1: genesis is not voted on).
 */
import { encode, decode, cidOf, z, uint, cid, bytes, parse, CodecError, type CID } from '../../codec/index.ts'
import { commitSchema, type Commit } from '../../consensus/messages.ts'
import { BlockError, TxError, codecReason } from '../errors.ts'
import { did } from '../tx/fields.ts'
import { decodeTx, encodeTx, type Tx } from '../tx/envelope.ts'

export interface BlockHeader {
  network: CID
  shard: number
  height: number
  parent: CID | null
  /** Block time, ms, chosen by the proposer; strictly increasing. */
  timestamp: number
  /** DID of the proposer; null only for genesis. */
  proposer: string | null
  round: number
  /** Merkle root over the transaction ids. */
  txRoot: Uint8Array
  /** State root after this block. */
  stateRoot: Uint8Array
  /** Merkle root over the encoded receipts. */
  receiptsRoot: Uint8Array
  lastCommit: Commit | null
}

export interface Block {
  header: BlockHeader
  txs: Tx[]
}

/** Hard cap on transactions a decoded block may list; the consensus limit (maxBlockTxs) is lower. */
const DECODE_MAX_TXS = 100_000
/** Largest encoded block the decoder accepts by default: the consensus cap applies in validateBlock. */
export const DEFAULT_MAX_BLOCK_BYTES = 16 * 1024 * 1024

const root = bytes({ len: 32 })

export const headerSchema = z.strictObject({
  network: cid,
  shard: uint,
  height: uint,
  parent: cid.nullable(),
  timestamp: uint,
  proposer: did.nullable(),
  round: uint,
  txRoot: root,
  stateRoot: root,
  receiptsRoot: root,
  lastCommit: commitSchema.nullable()
})

const blockSchema = z.strictObject({
  header: z.unknown(),
  // each transaction as its canonical encoding (a byte string), so its id is the hash of those bytes
  txs: z.array(z.instanceof(Uint8Array)).max(DECODE_MAX_TXS)
})

function schemaError (err: unknown): never {
  if (err instanceof CodecError) throw new BlockError('MALFORMED', err.field, codecReason(err))
  if (err instanceof TxError) throw new BlockError('MALFORMED', err.field, err.reason, err.code)
  throw err
}

export function parseHeader (value: unknown, field = 'header'): BlockHeader {
  try {
    const header = parse(headerSchema, value, field) as BlockHeader
    if ((header.height === 0) !== (header.parent === null)) throw new BlockError('MALFORMED', `${field}.parent`, 'only genesis (height 0) has no parent')
    if ((header.height === 0) !== (header.proposer === null)) throw new BlockError('MALFORMED', `${field}.proposer`, 'only genesis (height 0) has no proposer')
    return header
  } catch (err) {
    return schemaError(err)
  }
}

/** Checks an already-decoded block value: a header and the transactions' encodings. */
export function parseBlock (value: unknown): Block {
  let outer: z.output<typeof blockSchema>
  try {
    outer = parse(blockSchema, value)
  } catch (err) {
    return schemaError(err)
  }
  const header = parseHeader(outer.header)
  const txs = outer.txs.map((bytes, i) => {
    try {
      return decodeTx(bytes)
    } catch (err) {
      if (err instanceof TxError) {
        const field = err.field === '' ? `txs.${i}` : `txs.${i}.${err.field}`
        throw new BlockError('MALFORMED', field, err.reason, err.code)
      }
      throw err
    }
  })
  return { header, txs }
}

/** Encodings of frozen blocks (decoded ones and sealed ones), so a block is encoded at most once. */
const encodedBlocks = new WeakMap<Block, Uint8Array>()

/**
 * Freezes `block` (shallowly: its header and transaction list; transactions are sealed already) and
 * remembers `bytes` as its encoding, or computes it now.
 */
export function sealBlock (block: Block, bytes?: Uint8Array): Block {
  Object.freeze(block.header)
  Object.freeze(block.txs)
  Object.freeze(block)
  if (!encodedBlocks.has(block)) encodedBlocks.set(block, bytes ?? assembleBlock(block))
  return block
}

/**
 * The encoding is the DAG-CBOR map `{header, txs}` where `txs` is an array of byte strings, each a
 * transaction's canonical encoding: receivers hash each to its id and reuse a transaction they
 * already decoded from gossip instead of decoding it again.
 * Canonical map key prefixes: DAG-CBOR sorts keys by length first, so `txs` comes before `header`.
 */
const TXS_KEY = Uint8Array.of(0xa2, 0x63, 0x74, 0x78, 0x73) // map(2), text(3) "txs"
const HEADER_KEY = Uint8Array.of(0x66, 0x68, 0x65, 0x61, 0x64, 0x65, 0x72) // text(6) "header"

/** CBOR head of major type `major` (4: array, 2: byte string) with argument `n`, shortest form. */
function cborHead (major: number, n: number): Uint8Array {
  const m = major << 5
  if (n < 24) return Uint8Array.of(m | n)
  if (n < 0x100) return Uint8Array.of(m | 24, n)
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff)
  return Uint8Array.of(m | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

/**
 * The block's canonical encoding assembled from its parts: every transaction's encoding is cached
 * (`encodeTx`), so only the header is encoded here. Equal to `encode({header, txs})` byte for byte
 * (tested); re-encoding every transaction map was the larger part of committing a full block.
 */
function assembleBlock (block: Block): Uint8Array {
  const header = encodeHeader(block.header)
  const parts: Uint8Array[] = [TXS_KEY, cborHead(4, block.txs.length)]
  for (const tx of block.txs) {
    const bytes = encodeTx(tx)
    parts.push(cborHead(2, bytes.byteLength), bytes)
  }
  parts.push(HEADER_KEY, header)
  let size = 0
  for (const part of parts) size += part.byteLength
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}

export function encodeBlock (block: Block): Uint8Array {
  return encodedBlocks.get(block) ?? assembleBlock(block)
}

/** Strict decoding: unknown fields, bad transactions, oversize input are refused with the field named. */
export function decodeBlock (data: Uint8Array, maxBytes = DEFAULT_MAX_BLOCK_BYTES): Block {
  if (data.byteLength > maxBytes) throw new BlockError('TOO_LARGE', '', `${data.byteLength} bytes exceeds the limit of ${maxBytes}`)
  let value: unknown
  try {
    value = decode(data)
  } catch (err) {
    throw new BlockError('MALFORMED', '', (err as Error).message)
  }
  // canonical decoding: these are the block's bytes
  return sealBlock(parseBlock(value), data)
}

export function encodeHeader (header: BlockHeader): Uint8Array {
  return encode(header)
}

export function decodeHeader (data: Uint8Array): BlockHeader {
  let value: unknown
  try {
    value = decode(data)
  } catch (err) {
    throw new BlockError('MALFORMED', 'header', (err as Error).message)
  }
  return parseHeader(value)
}

/** The block id: CID of the canonical encoding of its header. */
export function blockId (header: BlockHeader): CID {
  return cidOf(header)
}

/** Bytes the CBOR head of an array of `n` items (or a byte string of `n` bytes) takes. */
function headSize (n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9
}

/** What one transaction of `size` encoded bytes adds to its block: its byte-string head and itself. */
export function txEntrySize (size: number): number {
  return headSize(size) + size
}

/** What the outer map adds around header and txs: map head (1) + "header" key (7) + "txs" key (4). */
const BLOCK_MAP_BYTES = 12

/** Encoded size of a block with `txCount` transactions whose entries (txEntrySize) total `txEntries`. */
export function blockSizeOf (headerBytes: number, txCount: number, txEntries: number): number {
  return BLOCK_MAP_BYTES + headerBytes + headSize(txCount) + txEntries
}

/** Exact encoded size of a block, counted from its parts so cached transaction bytes are reused. */
export function blockSize (block: Block): number {
  let entries = 0
  for (const tx of block.txs) entries += txEntrySize(encodeTx(tx).byteLength)
  return blockSizeOf(encodeHeader(block.header).byteLength, block.txs.length, entries)
}
