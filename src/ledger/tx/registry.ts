/**
 * Every transaction type and its handler, in one exhaustive table: adding a type means adding a row
 * here, and the payload types, the type list and the envelope schema follow from it.
 */
import type { TxHandler } from './handler.ts'
import { transfer } from './transfer.ts'
import { registerMember } from './register-member.ts'
import { createCooperative } from './create-cooperative.ts'
import { joinCooperativeTx } from './join-cooperative.ts'
import { recordContribution } from './record-contribution.ts'
import { recordMutualAid } from './record-mutual-aid.ts'
import { updateRelationship } from './update-relationship.ts'
import { addEndorsement } from './add-endorsement.ts'
import { attest } from './attest.ts'
import { evidence } from './evidence.ts'
import { validatorCandidacy } from './validator-candidacy.ts'

export const TX_HANDLERS = {
  transfer,
  register_member: registerMember,
  create_cooperative: createCooperative,
  join_cooperative: joinCooperativeTx,
  record_contribution: recordContribution,
  record_mutual_aid: recordMutualAid,
  update_relationship: updateRelationship,
  add_endorsement: addEndorsement,
  attest,
  evidence,
  validator_candidacy: validatorCandidacy
} as const

type PayloadOf<H> = H extends TxHandler<infer P> ? P : never

export type TxType = keyof typeof TX_HANDLERS
export type TxPayloads = { [K in TxType]: PayloadOf<typeof TX_HANDLERS[K]> }
export const TX_TYPES = (Object.keys(TX_HANDLERS) as TxType[]).sort()

export function handlerOf<T extends TxType> (type: T): TxHandler<TxPayloads[T]> {
  return TX_HANDLERS[type] as unknown as TxHandler<TxPayloads[T]>
}
