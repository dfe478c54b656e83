/**
 * Reputation per member and category (SPEC §6). Instead of a list of events, each (member, category)
 * keeps one aggregate {value, at}: since decay is exponential, Σ score·e^(−rate·age) equals the
 * aggregate decayed from `at` plus the new score, so nothing needs pruning and reads are O(categories).
 * Decay is applied only when a value is written or read, with the deterministic fixed-point exponential;
 * every node performs the same writes at the same block times, so every node rounds the same way.
 * Values are integer milli-points, floored at 0.
 */
import { CATEGORIES, CATEGORY_NAMES, REPUTATION_SCALE, type Category } from '../constants.ts'
import { decay } from '../fixed.ts'
import type { StateReader, StateOverlay } from './store.ts'
import { Keys } from './keys.ts'

export interface Aggregate {
  /** Milli-points as of `at`. */
  value: number
  /** Block time of the last change. */
  at: number
}

/** One record per member: only categories that ever changed are present. */
export type ReputationRecord = Partial<Record<Category, Aggregate>>

/** An aggregate decayed to `time`. */
export function decayedValue (agg: Aggregate | undefined, category: Category, time: number): number {
  if (agg === undefined) return 0
  return decay(agg.value, CATEGORIES[category].decayPpmPerDay, time - agg.at)
}

export function getReputationRecord (view: StateReader, did: string): ReputationRecord {
  return (view.read(Keys.reputation(did)) as ReputationRecord | undefined) ?? {}
}

/** Every category's value at `time`, in milli-points. */
export function reputationAt (view: StateReader, did: string, time: number): Record<Category, number> {
  const record = getReputationRecord(view, did)
  const out = {} as Record<Category, number>
  for (const c of CATEGORY_NAMES) out[c] = decayedValue(record[c], c, time)
  return out
}

/** Total reputation at `time` = Σ weight × category value, in milli-points (SPEC §6). */
export function totalReputation (view: StateReader, did: string, time: number): number {
  const record = getReputationRecord(view, did)
  let sum = 0n
  for (const c of Object.keys(record) as Category[]) {
    sum += BigInt(CATEGORIES[c].weight) * BigInt(decayedValue(record[c], c, time))
  }
  return Number(sum / BigInt(REPUTATION_SCALE))
}

function withDelta (record: ReputationRecord, category: Category, delta: number, time: number): ReputationRecord {
  const value = Math.max(0, decayedValue(record[category], category, time) + delta)
  return { ...record, [category]: { value, at: time } }
}

/**
 * Adds `delta` milli-points to a category (negative for penalties; the result is floored at 0). A
 * positive change outside `participation` also adds a tenth of it to `participation` (SPEC §6).
 */
export function addReputation (view: StateOverlay, did: string, category: Category, delta: number, time: number): void {
  if (delta === 0) return
  let record = withDelta(getReputationRecord(view, did), category, delta, time)
  if (delta > 0 && category !== 'participation') {
    const bonus = Math.trunc(delta / 10)
    if (bonus > 0) record = withDelta(record, 'participation', bonus, time)
  }
  view.write(Keys.reputation(did), record)
}

/** Keeps `keepPpm` of every category (sanctions), decaying each to `time` first. */
export function scaleReputation (view: StateOverlay, did: string, keepPpm: number, time: number): void {
  const record = getReputationRecord(view, did)
  const out: ReputationRecord = {}
  for (const c of Object.keys(record) as Category[]) {
    const value = Number((BigInt(decayedValue(record[c], c, time)) * BigInt(keepPpm)) / 1_000_000n)
    out[c] = { value, at: time }
  }
  view.write(Keys.reputation(did), out)
}

/** Sets a member's initial reputation (genesis), in milli-points per category. */
export function setReputation (view: StateOverlay, did: string, values: Partial<Record<Category, number>>, time: number): void {
  const record: ReputationRecord = {}
  for (const c of Object.keys(values) as Category[]) {
    const v = values[c] ?? 0
    if (v > 0) record[c] = { value: v, at: time }
  }
  if (Object.keys(record).length > 0) view.write(Keys.reputation(did), record)
}
