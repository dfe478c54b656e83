/**
 * Every number of peer conduct scoring in one place (protocols/scoring.md), applied once as
 * `init.x ?? DEFAULT_X`. A conduct score starts at 0, only ever goes down when a peer misbehaves, and
 * decays back toward 0 with a half-life: forgiveness is a matter of time, never of good deeds, so a
 * peer cannot bank credit with cheap valid messages and spend it on an attack.
 */
import type { PeerAction } from './actions.ts'

/**
 * Score change per tolerance tier. The tiers are sized against the thresholds below:
 * - fatal: −100, past the ban threshold from any score, so one offence bans (a peer that proved it
 *   is hostile or incompatible gets no second chance within the ban period);
 * - low tolerance: −10, provably invalid data (a gossip message that fails validation, an invalid
 *   sync response): six in a burst disconnect, nine ban;
 * - mid tolerance: −5, faults an honest but struggling peer can commit now and then (a timed-out
 *   request, a stream reset): about a dozen in a short time disconnect;
 * - high tolerance: −1, nuisances (a slow response, one message over the rate limit): only a
 *   sustained pattern, dozens within minutes, adds up to a disconnection.
 */
export const PEER_ACTION_SCORE: Readonly<Record<PeerAction, number>> = {
  fatal: -100,
  low: -10,
  mid: -5,
  high: -1
}

/**
 * Half-life of the decay toward 0. Ten minutes: an isolated low-tolerance error (−10) fades below −1
 * in about half an hour, a peer disconnected just past −50 may come back within minutes, and a peer
 * banned at −100 is back near 0 (−1.6) by the time a one-hour ban ends.
 */
export const DEFAULT_SCORE_HALF_LIFE_MS = 10 * 60_000

/**
 * A peer whose score falls below this is disconnected. It may come back (a disconnection is a warning,
 * not an exclusion), but while its score stays below, every further offence disconnects it again and
 * pushes it toward the ban threshold: a peer that keeps misbehaving across reconnections ends up banned.
 */
export const DEFAULT_DISCONNECT_THRESHOLD = -50

/** A peer whose score falls below this (or that commits a fatal offence) is banned. */
export const DEFAULT_BAN_THRESHOLD = -80

/** How long a ban lasts (SPEC §11 "banned for a time"). Bans are persisted, so a restart does not lift them. */
export const DEFAULT_BAN_MS = 60 * 60_000

/**
 * Scores are clamped here so a flood of offences cannot dig a hole deeper than one ban period of
 * decay: a peer always recovers on the same schedule after its ban ends.
 */
export const MIN_SCORE = -100

/** Scores closer to 0 than this are forgotten (they would change no decision). */
export const SCORE_EPSILON = 0.1

/**
 * Application-specific gossipsub score bonus from on-chain reputation (SPEC §11), bounded:
 * bonus = MAX × r / (r + HALF), with r the peer's total reputation in milli-points. A peer at the
 * minimum validator reputation (100 points) gets half of it (+5), one far above approaches +10. Ten
 * points are enough to outweigh a few high- and mid-tolerance faults (so a reputable validator keeps
 * its mesh slots through a slow response) but never a burst of invalid messages.
 */
export const DEFAULT_MAX_REPUTATION_BONUS = 10
export const DEFAULT_REPUTATION_FOR_HALF_BONUS = 100_000

/** Reputation changes once per block at most; gossipsub asks for scores every heartbeat. */
export const REPUTATION_CACHE_MS = 10_000

/** Period of the sweep that forgets decayed scores and lifts expired bans. */
export const DEFAULT_PRUNE_INTERVAL_MS = 60_000

/** Most peers whose score is remembered; beyond it the scores closest to 0 are forgotten first. */
export const MAX_TRACKED_PEERS = 10_000

/** Longest ban reason stored. */
export const MAX_BAN_REASON_LENGTH = 200
