/**
 * Topic `tx`: a batch of signed transactions (protocols/gossip.md, "tx"). Payload: a canonical DAG-CBOR
 * array of 1–TX_BATCH_MAX_TXS byte strings, each a transaction's canonical encoding exactly as
 * `encodeTx` produces it, so its bytes hash to its id. Batches exist because one gossip message per
 * transaction made libp2p's per-message work (framing, encryption, a write per peer) about a quarter
 * of a loaded node's CPU (docs/benchmarks.md). Each transaction is judged as the ledger's admission
 * judges it; the batch's verdict follows from theirs.
 */
import { decode, encode, CodecError } from '../../codec/index.ts'
import { TxError, decodeTx, encodeTx, txId, type Tx, type TxErrorCode } from '../../ledger/index.ts'
import { TX_BATCH_FILL_BYTES, TX_BATCH_MAX_TXS } from './constants.ts'
import { GossipValidationError, type GossipErrorCode } from './errors.ts'
import type { ValidationDeps } from './types.ts'

/** A transaction of an accepted batch: decoded, and its gossip bytes (its canonical encoding). */
export interface BatchedTx { tx: Tx, bytes: Uint8Array }

/** TxError codes of invalid transactions with a gossip code of their own; other rejects are TX_INVALID. */
const REJECT_CODE: Partial<Record<TxErrorCode, GossipErrorCode>> = {
  MALFORMED: 'MALFORMED',
  TX_TOO_LARGE: 'TOO_LARGE',
  PAYLOAD_TOO_LARGE: 'TOO_LARGE',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  WRONG_NETWORK: 'WRONG_NETWORK',
  WRONG_SHARD: 'WRONG_SHARD'
}

function fromTxError (err: TxError, index: number): GossipValidationError {
  const code: GossipErrorCode = err.action === 'reject' ? (REJECT_CODE[err.code] ?? 'TX_INVALID') : 'TX_INADMISSIBLE'
  return GossipValidationError.of(code, `transaction ${index}: ${err.message}`, err.code)
}

/**
 * Largest batch message: a full batch (the packer stops adding at TX_BATCH_FILL_BYTES) or one
 * transaction of the largest size alone, plus CBOR framing.
 */
export function txBatchMaxBytes (maxTxBytes: number): number {
  return Math.max(maxTxBytes, TX_BATCH_FILL_BYTES) + 16 + 9 * TX_BATCH_MAX_TXS
}

/** The batch message of `txs` (each a transaction's canonical encoding). */
export function encodeTxBatch (txs: readonly Uint8Array[]): Uint8Array {
  return encode(txs)
}

/** Decodes a batch's outer array; MALFORMED names the offending element. */
function decodeBatch (data: Uint8Array, maxBytes: number): Uint8Array[] {
  // [REJECT] at most txBatchMaxBytes(maxTxBytes) (TOO_LARGE)
  if (data.byteLength > maxBytes) throw GossipValidationError.of('TOO_LARGE', `${data.byteLength} bytes exceeds the batch limit of ${maxBytes}`)
  let value: unknown
  try {
    value = decode(data)
  } catch (err) {
    if (err instanceof CodecError) throw GossipValidationError.of('MALFORMED', `batch: ${err.message}`, err.field)
    throw err
  }
  // [REJECT] an array of 1..TX_BATCH_MAX_TXS byte strings (MALFORMED)
  if (!Array.isArray(value) || value.length === 0 || value.length > TX_BATCH_MAX_TXS) {
    throw GossipValidationError.of('MALFORMED', `batch: must be an array of 1 to ${TX_BATCH_MAX_TXS} transactions`)
  }
  return value.map((item: unknown, i) => {
    if (!(item instanceof Uint8Array)) throw GossipValidationError.of('MALFORMED', `batch.${i}: must be bytes`, String(i))
    return item
  })
}

/**
 * The rules in order; the first REJECT decides. Returns the batch's transactions that are new and
 * admissible here, in batch order; throws IGNORE when there are none.
 */
export function validateTxBatch (data: Uint8Array, deps: Pick<ValidationDeps, 'context'>): BatchedTx[] {
  const { context } = deps
  const items = decodeBatch(data, txBatchMaxBytes(context.maxTxBytes))
  const fresh: BatchedTx[] = []
  const ids = new Set<string>()
  let known = 0
  let inadmissible: GossipValidationError | undefined
  for (const [i, bytes] of items.entries()) {
    let tx: Tx
    try {
      // [REJECT] each at most maxTxBytes (TOO_LARGE); canonical DAG-CBOR of a well-formed signed transaction (MALFORMED)
      tx = decodeTx(bytes, context.maxTxBytes)
    } catch (err) {
      if (err instanceof TxError) throw fromTxError(err, i)
      throw err
    }
    const id = txId(tx).toString()
    // [REJECT] no transaction twice in one batch (MALFORMED): an honest packer never repeats one
    if (ids.has(id)) throw GossipValidationError.of('MALFORMED', `batch.${i}: transaction ${id} appears twice`, String(i))
    ids.add(id)
    // skipped: a transaction already pending or final
    if (context.knownTx(id)) { known++; continue }
    // skipped: the mempool is full for it (checked before the signature, which is what costs)
    if (context.mempoolClosed(tx.priority, bytes.byteLength)) {
      inadmissible ??= GossipValidationError.of('TX_INADMISSIBLE', `transaction ${i}: the mempool is full`, 'MEMPOOL_FULL')
      continue
    }
    try {
      // [REJECT] network, shard, payload size, signature (invalid for everyone)
      // skipped: timestamp window, sender account, nonce not used, mana (depend on state and clocks)
      context.checkTx(tx)
      // the ledger's copy of the bytes: the message's buffer must not stay pinned by the mempool
      fresh.push({ tx, bytes: encodeTx(tx) })
    } catch (err) {
      if (!(err instanceof TxError)) throw err
      const verdict = fromTxError(err, i)
      if (verdict.action === 'reject') throw verdict
      inadmissible ??= verdict
    }
  }
  // [IGNORE] KNOWN: every transaction is already pending or final
  if (fresh.length === 0 && inadmissible === undefined) throw GossipValidationError.of('KNOWN', `all ${known} transactions already known`)
  // [IGNORE] TX_INADMISSIBLE: none is new and admissible (the first one's ledger code is the detail)
  if (fresh.length === 0 && inadmissible !== undefined) throw inadmissible
  return fresh
}
