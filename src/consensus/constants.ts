/** Defaults of the consensus engine's own options (protocol parameters live in params.ts). */

/**
 * Gossip may lose messages; the engine does not rely on it delivering everything. Every this many ms
 * it re-sends its own messages of the current round, and when it has made no progress for this long
 * it also relays the votes that justify its round. Without this a partition that heals could leave
 * every validator waiting for a vote that was dropped.
 */
export const DEFAULT_REBROADCAST_MS = 2000

/**
 * Rounds above our own in which one validator's messages are kept. An honest validator ahead of us
 * moves one round at a time; a byzantine one could otherwise make us store a vote set per round.
 */
export const DEFAULT_MAX_FUTURE_ROUNDS_PER_VALIDATOR = 4

/** Messages for the next height held (unverified) until it starts; the oldest are dropped first. */
export const DEFAULT_FUTURE_BUFFER_SIZE = 4096

/** Distinct proposals kept per round: the first, and one conflicting one (so a decision can find it). */
export const MAX_PROPOSALS_PER_ROUND = 2
