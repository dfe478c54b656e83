/**
 * What the node answers about the chain between blocks: a transaction's status and the account,
 * member and reputation records as of the head. "Now" is the head block's time (SPEC §5–6: mana and
 * reputation move with block time, never the wall clock), so every node at one head answers alike.
 */
import type { CID } from '../codec/index.ts'
import {
  CATEGORY_NAMES, getAccount, getMember, getParams, getCandidates, getValidatorRecord, effectiveValidatorRecord,
  manaCapacity, regenerate, reputationAt, totalReputation,
  type Category, type LedgerChain, type Member, type Receipt
} from '../ledger/index.ts'

/** A transaction's status: in the mempool, in a final block (with its receipt), or neither. */
export type TxStatus =
  | { status: 'pending', id: CID }
  | { status: 'final', id: CID, height: number, index: number, receipt: Receipt }
  | { status: 'unknown', id: CID }

export interface AccountView {
  did: string
  /** Cooperative credits. */
  balance: number
  /** Mana at the head's time, regeneration included. */
  mana: number
  manaCapacity: number
  /** The next nonce the ledger expects (final state). */
  nonce: number
  /** The nonce a new transaction should carry, counting this node's pending ones. */
  nextNonce: number
  /** The head these values are as of. */
  height: number
  time: number
}

export interface ValidatorView {
  /** Declared candidacy (validator_candidacy). */
  candidate: boolean
  /** In the validator set that votes on the next block. */
  active: boolean
  /** ppm. */
  performance: number
  missed: number
  sanctionLevel: number
}

export interface MemberView extends Member {
  validator: ValidatorView
  height: number
  time: number
}

export interface ReputationView {
  did: string
  /** Every category's decayed value at the head's time, in milli-points (1 point = 1000). */
  categories: Record<Category, number>
  /** Σ weight × category value, in milli-points. */
  total: number
  height: number
  time: number
}

/** The account of `did` at the head; `nextNonce` defaults to the final nonce. */
export function accountView (ledger: LedgerChain, did: string, nextNonce?: number): AccountView | undefined {
  const { state, head } = ledger
  const account = getAccount(state, did)
  if (account === undefined) return undefined
  const time = head.timestamp
  const economics = getParams(state).economics
  const reputation = totalReputation(state, did, time)
  return {
    did,
    balance: account.balance,
    mana: regenerate(account, reputation, time, economics).mana,
    manaCapacity: manaCapacity(reputation, economics),
    nonce: account.nonce,
    nextNonce: Math.max(account.nonce, nextNonce ?? account.nonce),
    height: head.height,
    time
  }
}

export function memberView (ledger: LedgerChain, did: string): MemberView | undefined {
  const { state, head } = ledger
  const member = getMember(state, did)
  if (member === undefined) return undefined
  const record = effectiveValidatorRecord(getValidatorRecord(state, did), head.timestamp, getParams(state))
  return {
    ...member,
    validator: {
      candidate: getCandidates(state).includes(did),
      active: ledger.validatorSet().byDid.has(did),
      performance: record.performance,
      missed: record.missed,
      sanctionLevel: record.sanctionLevel
    },
    height: head.height,
    time: head.timestamp
  }
}

/** Reputation of a member (undefined for a DID that is not one). */
export function reputationView (ledger: LedgerChain, did: string): ReputationView | undefined {
  const { state, head } = ledger
  if (getMember(state, did) === undefined) return undefined
  const values = reputationAt(state, did, head.timestamp)
  const categories = {} as Record<Category, number>
  for (const c of CATEGORY_NAMES) categories[c] = values[c]
  return { did, categories, total: totalReputation(state, did, head.timestamp), height: head.height, time: head.timestamp }
}
