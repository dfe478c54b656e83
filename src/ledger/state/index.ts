/**
 * Ledger state: the key/value map of canonical bytes with an incremental authenticated root
 * (`tree.ts`), overlays that execute blocks without touching committed state (`store.ts`), the key
 * layout (`keys.ts`) and typed records: accounts and mana, members and cooperatives, the relationship
 * system, reputation with fixed-point decay, validator bookkeeping and chain metadata.
 */
export { LedgerState, StateOverlay, StateChanges, type StateReader, type KVWrite, type KVEntry } from './store.ts'
export { StateTree, EMPTY_HASH } from './tree.ts'
export { Keys, pair } from './keys.ts'
export { getChain, getParams, type ChainMeta, type Params, type StoredValidator } from './meta.ts'
export { getAccount, manaCapacity, manaRegenPerHour, regenerate, type Account } from './accounts.ts'
export {
  getMember, getCooperative, getMembership, profileSchema,
  type Member, type Cooperative, type Membership, type Profile
} from './members.ts'
export {
  getRelationship, getContribution, getMutualAid, getMutualAidReceived, getEndorsement, getInteraction,
  type Relationship, type Interaction, type Contribution, type MutualAid, type Endorsement
} from './social.ts'
export { reputationAt, totalReputation, getReputationRecord, decayedValue, type Aggregate, type ReputationRecord } from './reputation.ts'
export {
  getValidatorRecord, effectiveValidatorRecord, getCandidates, candidatesAt, nextValidatorSet, lastValidatorSet,
  NEW_VALIDATOR_RECORD, type ValidatorRecord
} from './validators.ts'
