/**
 * Transactions: the signed envelope and its strict codec, one file per type (payload schema, cost,
 * rules), `buildTx` to build and sign any type, `checkTx` for mempool admission and the executor the
 * block module drives.
 */
export {
  encodeTx, decodeTx, parseTx, txId, txBody, txCost, txSigningPayload, verifyTxSignature, clearVerifiedSignatures, clearDecodedTxs,
  DEFAULT_MAX_TX_BYTES, PRIORITY_MIN, PRIORITY_MAX,
  type Tx, type SignedTx, type TxBody
} from './envelope.ts'
export { buildTx, type BuildTxOptions } from './build.ts'
export { checkTx, admitTx, type Admission } from './check.ts'
export { executeTx, type TxOutcome, type ExecutionContext } from './apply.ts'
export { TX_HANDLERS, TX_TYPES, handlerOf, type TxType, type TxPayloads } from './registry.ts'
export { shardOf } from './shard.ts'
export type { TxHandler, TxContext } from './handler.ts'
export type { TransferPayload } from './transfer.ts'
export type { RegisterMemberPayload } from './register-member.ts'
export type { CreateCooperativePayload } from './create-cooperative.ts'
export type { JoinCooperativePayload } from './join-cooperative.ts'
export type { RecordContributionPayload } from './record-contribution.ts'
export type { RecordMutualAidPayload } from './record-mutual-aid.ts'
export type { UpdateRelationshipPayload } from './update-relationship.ts'
export type { AddEndorsementPayload } from './add-endorsement.ts'
export type { AttestPayload, AttestationRecord } from './attest.ts'
export type { EvidencePayload, OffenceRecord } from './evidence.ts'
export type { ValidatorCandidacyPayload } from './validator-candidacy.ts'
