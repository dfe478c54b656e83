/**
 * The arithmetic of a conduct score, pure: exponential decay toward 0 with a half-life, the
 * reputation bonus, and what a score means (the state a peer is in).
 */
import { MIN_SCORE, SCORE_EPSILON } from './constants.ts'

/** `score` after `elapsedMs` of decay: score × 2^(−elapsed / halfLife), 0 once within SCORE_EPSILON. */
export function decayed (score: number, elapsedMs: number, halfLifeMs: number): number {
  if (score === 0 || elapsedMs <= 0) return score
  const value = score * Math.pow(2, -elapsedMs / halfLifeMs)
  return Math.abs(value) < SCORE_EPSILON ? 0 : value
}

/** Adds a (negative) delta, never below MIN_SCORE and never above 0. */
export function applyDelta (score: number, delta: number): number {
  return Math.min(0, Math.max(MIN_SCORE, score + delta))
}

/**
 * Bounded bonus from on-chain reputation (milli-points): max × r / (r + half). 0 for no reputation,
 * half of `max` at `half`, approaching `max` beyond.
 */
export function reputationBonus (reputation: number, max: number, half: number): number {
  const r = Number.isFinite(reputation) ? Math.max(0, reputation) : 0
  if (r === 0 || max <= 0) return 0
  return (max * r) / (r + Math.max(1, half))
}

export type ScoreState = 'healthy' | 'disconnect' | 'ban'

export function scoreState (score: number, thresholds: { disconnect: number, ban: number }): ScoreState {
  if (score < thresholds.ban) return 'ban'
  if (score < thresholds.disconnect) return 'disconnect'
  return 'healthy'
}
