/**
 * Accounts: credits (transferable), mana (non-transferable, regenerating anti-spam fuel, SPEC §5) and
 * the next nonce. Mana regenerates from block time only. Regeneration is computed lazily from
 * `manaAt`, which advances only by the time the whole units gained were worth, so frequent updates
 * (one per block) lose no fractional regeneration to integer rounding.
 */
import { MS_PER_HOUR, REPUTATION_SCALE, type EconomicParams } from '../constants.ts'
import { ceilDiv } from '../fixed.ts'
import type { StateReader, StateOverlay } from './store.ts'
import { Keys } from './keys.ts'

export interface Account {
  /** Cooperative credits. Never negative. */
  balance: number
  mana: number
  /** Block time up to which `mana` accounts for regeneration. */
  manaAt: number
  /** The nonce the next transaction from this account must carry. */
  nonce: number
}

/** capacity = base + perPoint × max(reputation, 0), reputation in points (milli-points here). */
export function manaCapacity (reputation: number, econ: EconomicParams): number {
  const rep = BigInt(Math.max(reputation, 0))
  return econ.manaBase + Number((BigInt(econ.manaPerPoint) * rep) / BigInt(REPUTATION_SCALE))
}

/** regeneration per hour = base + reputation (points) / divisor. */
export function manaRegenPerHour (reputation: number, econ: EconomicParams): number {
  const rep = BigInt(Math.max(reputation, 0))
  return econ.manaRegenPerHour + Number(rep / BigInt(REPUTATION_SCALE * econ.manaRegenDivisor))
}

/** Mana at `time` given the holder's current total reputation; `manaAt` as it should then be stored. */
export function regenerate (account: Account, reputation: number, time: number, econ: EconomicParams): { mana: number, manaAt: number } {
  const capacity = manaCapacity(reputation, econ)
  if (account.mana >= capacity) return { mana: capacity, manaAt: time }
  const elapsed = BigInt(Math.max(0, time - account.manaAt))
  const rate = BigInt(manaRegenPerHour(reputation, econ))
  const gained = (rate * elapsed) / BigInt(MS_PER_HOUR)
  if (BigInt(account.mana) + gained >= BigInt(capacity)) return { mana: capacity, manaAt: time }
  // Keep the remainder: advance only by the time the whole units gained took.
  const used = ceilDiv(gained * BigInt(MS_PER_HOUR), rate)
  return { mana: account.mana + Number(gained), manaAt: account.manaAt + Number(used) }
}

/** A new account starts with full mana (SPEC §5). */
export function newAccount (reputation: number, time: number, econ: EconomicParams): Account {
  return { balance: 0, mana: manaCapacity(reputation, econ), manaAt: time, nonce: 0 }
}

export function getAccount (view: StateReader, did: string): Account | undefined {
  return view.read(Keys.account(did)) as Account | undefined
}

export function putAccount (view: StateOverlay, did: string, account: Account): void {
  view.write(Keys.account(did), account)
}
