/**
 * Who sends what: the accounts of a run, the node each one submits to, its recipient, and whether the
 * accounts can pay for the run (credits and mana, SPEC §4–5). Pure arithmetic.
 *
 * Transaction k of a run is sent by account k mod K, so every account sends at rate / K and its
 * nonces follow each other in time. Account i always submits to node i mod N ("sticky"): one node
 * sees all of an account's nonces in order, so an account never waits in a mempool behind a nonce
 * that went to another node and has not been gossiped yet. Account i pays account i + 1 (a ring),
 * so every account receives about what it sends and balances stay level over any run length.
 */
import { COST } from '../ledger/constants.ts'
import { LoadError } from './errors.ts'

export interface AccountSlot {
  /** Index of the account in the run's key list. */
  account: number
  /** Index of the node API it submits to. */
  target: number
  /** Index of the account it pays. */
  recipient: number
}

/** The sticky node and the ring recipient of each of `accounts` accounts over `targets` nodes. */
export function assignAccounts (accounts: number, targets: number): AccountSlot[] {
  if (!Number.isSafeInteger(accounts) || accounts < 2) {
    throw new LoadError('INVALID_OPTION', `a run needs at least 2 accounts (each pays the next), got ${accounts}`, { field: 'accounts' })
  }
  if (!Number.isSafeInteger(targets) || targets < 1) {
    throw new LoadError('INVALID_OPTION', `a run needs at least 1 node API, got ${targets}`, { field: 'api' })
  }
  return Array.from({ length: accounts }, (_, i) => ({ account: i, target: i % targets, recipient: (i + 1) % accounts }))
}

/** The account that sends transaction `index` of a run with `accounts` accounts. */
export function senderOf (index: number, accounts: number): number {
  return index % accounts
}

/** Transfers account `account` sends in a run of `total`: ⌈(total − account) / accounts⌉. */
export function transfersOf (account: number, total: number, accounts: number): number {
  return account >= total ? 0 : Math.ceil((total - account) / accounts)
}

/** Mana a transfer of `amount` costs (SPEC §4): 100 + amount / 100. */
export function transferCost (amount: number): number {
  return COST.transferBase + Math.floor(amount / COST.transferPerAmount)
}

export interface FundingInput {
  /** Transfers in the run. */
  total: number
  accounts: number
  /** Credits per transfer. */
  amount: number
  /** The smallest balance among the accounts at the start. */
  balance: number
  /** The smallest mana among the accounts at the start (regeneration during the run is not counted). */
  mana: number
}

export interface FundingPlan {
  /** Most transfers one account sends. */
  perAccount: number
  /** Mana each transfer costs. */
  cost: number
  /** Mana the busiest account spends. */
  manaNeeded: number
  /**
   * Credits the busiest account must hold: all it sends, as if none of its receipts arrived first
   * (a run is not ordered across accounts, so nothing less is safe).
   */
  creditsNeeded: number
  /** What the accounts lack, by field ('mana', 'balance'); empty when the run is funded. */
  shortfalls: Array<{ field: 'mana' | 'balance', message: string }>
}

export function fundingPlan (input: FundingInput): FundingPlan {
  const perAccount = transfersOf(0, input.total, input.accounts)
  const cost = transferCost(input.amount)
  const manaNeeded = perAccount * cost
  const creditsNeeded = perAccount * input.amount
  const shortfalls: FundingPlan['shortfalls'] = []
  if (manaNeeded > input.mana) {
    shortfalls.push({
      field: 'mana',
      message: `each account sends up to ${perAccount} transfers costing ${cost} mana (${manaNeeded} in all) but holds ${input.mana}; ` +
        `use more accounts (about ${Math.ceil(input.total / Math.max(1, Math.floor(input.mana / cost)))}), a shorter or slower run, or a genesis with more mana (economics.manaBase)`
    })
  }
  if (creditsNeeded > input.balance) {
    shortfalls.push({ field: 'balance', message: `each account sends up to ${creditsNeeded} credits but holds ${input.balance}; lower the amount or use more accounts` })
  }
  return { perAccount, cost, manaNeeded, creditsNeeded, shortfalls }
}

/**
 * The genesis `economics` of a benchmark network: every account's mana capacity raised (manaBase) so
 * it can send `transfers` transfers of `amount` before regeneration matters. Under the defaults a
 * member of the testnet (65 reputation points: capacity 7 500) sends 75 transfers of 1 credit and then
 * regains one every ~6 hours of block time: the fee-less network's anti-spam fuel, not the node,
 * would be the limit. Benchmarks measure the node, so they lift it and say so.
 */
export function benchEconomics (transfers: number, amount = 1): { manaBase: number } {
  if (!Number.isSafeInteger(transfers) || transfers < 1) {
    throw new LoadError('INVALID_OPTION', `transfers per account must be a positive whole number, got ${transfers}`, { field: 'transfers' })
  }
  return { manaBase: transfers * transferCost(amount) }
}
