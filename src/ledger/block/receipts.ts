/**
 * Receipts: one per transaction, in block order — success, or the failure code; always the mana
 * charged. Their Merkle root is in the header, and a proof of one receipt convinces another shard that a
 * transaction succeeded in a finalized block (SPEC §8).
 */
import { encode, type CID } from '../../codec/index.ts'
import type { TxErrorCode } from '../errors.ts'
import type { TxOutcome } from '../tx/apply.ts'
import { merkleProof, merkleRoot, verifyMerkleProof, type InclusionProof } from './merkle.ts'

export interface Receipt {
  tx: CID
  ok: boolean
  code: TxErrorCode | null
  mana: number
}

export function receiptOf (outcome: TxOutcome): Receipt {
  return { tx: outcome.id, ok: outcome.ok, code: outcome.code, mana: outcome.mana }
}

export function encodeReceipt (receipt: Receipt): Uint8Array {
  return encode(receipt)
}

export function receiptsRoot (receipts: readonly Receipt[]): Uint8Array {
  return merkleRoot(receipts.map(encodeReceipt))
}

export function receiptProof (receipts: readonly Receipt[], index: number): InclusionProof {
  return merkleProof(receipts.map(encodeReceipt), index)
}

export function verifyReceipt (root: Uint8Array, receipt: Receipt, proof: InclusionProof): boolean {
  return verifyMerkleProof(root, encodeReceipt(receipt), proof)
}

/** Merkle root over the transaction ids (CID bytes) of a block. */
export function txRootOf (ids: readonly CID[]): Uint8Array {
  return merkleRoot(ids.map((id) => id.bytes))
}
