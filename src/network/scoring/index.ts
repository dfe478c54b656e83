/**
 * Peer conduct scoring (SPEC §11, protocols/scoring.md), in the style of Lodestar's
 * `network/peers/score`: modules that detect misconduct report a tolerance tier (`PeerAction`) with
 * `scorer.report(peerId, action, reason)`; the scorer keeps a decaying score per peer, disconnects
 * peers below one threshold and bans them below another (bans persisted in the store), and turns
 * conduct plus on-chain reputation into the gossipsub application-specific score.
 *
 * - `actions.ts`: the tiers and the pure error-code → tier functions (`handshakeAction`)
 * - `constants.ts`: every delta, threshold and time constant, with its reason
 * - `score.ts`: decay and bonus arithmetic, pure
 * - `bans.ts`: the persisted ban list
 * - `scorer.ts`: `peerScorer(init)(components)`
 */
export { peerScorer, type PeerScorer, type PeerScorerInit, type PeerScorerComponents, type PeerScorerEvents, type PeerConduct, type PeerDisconnectRequest, type PeerBanned } from './scorer.ts'
export { PEER_ACTIONS, handshakeAction, type PeerAction, type ReportPeer } from './actions.ts'
export { BanList, type BanRecord } from './bans.ts'
export { decayed, applyDelta, reputationBonus, scoreState, type ScoreState } from './score.ts'
export { createScoringMetrics, type ScoringMetrics } from './metrics.ts'
export {
  PEER_ACTION_SCORE, DEFAULT_SCORE_HALF_LIFE_MS, DEFAULT_DISCONNECT_THRESHOLD, DEFAULT_BAN_THRESHOLD, DEFAULT_BAN_MS,
  MIN_SCORE, DEFAULT_MAX_REPUTATION_BONUS, DEFAULT_REPUTATION_FOR_HALF_BONUS
} from './constants.ts'
