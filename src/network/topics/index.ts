/**
 * Gossip topics (SPEC §11, protocols/gossip.md): transactions, block proposals, votes and evidence,
 * one set per shard, each with a strict validator that accepts, ignores or rejects.
 *
 * - one file per message type, with its payload schema, codec and validation rules in order, each
 *   marked with its verdict: `tx.ts`, `proposal.ts`, `vote.ts`, `evidence.ts`
 * - `errors.ts`: GossipValidationError codes, their verdicts and peer penalties
 * - `verdict.ts`: the single adapter from validation outcome to verdict, metrics and penalty
 * - `queues.ts`: the bounded queue table between gossipsub and validation
 * - `rate-limit.ts`: the per-peer message rate limit
 * - `gossip.ts`: `createGossip({host, context, handlers, scorer, ...})` → Gossip
 */
export { createGossip } from './gossip.ts'
export type { Gossip, GossipContext, GossipHandlers, GossipOptions, ValidationDeps } from './types.ts'
export { GOSSIP_TOPICS, gossipTopicName, type GossipTopic, VOTE_MESSAGE_MAX_BYTES, EVIDENCE_MESSAGE_MAX_BYTES, PROPOSAL_ENVELOPE_BYTES, DEFAULT_RATE_LIMIT_MESSAGES, DEFAULT_RATE_LIMIT_WINDOW_MS, TX_BATCH_MAX_TXS, TX_BATCH_FILL_BYTES, TX_BATCH_WAIT_MS } from './constants.ts'
export { GossipValidationError, GOSSIP_ERROR_ACTION, gossipPenalty, type GossipErrorCode, type GossipAction } from './errors.ts'
export { GOSSIP_QUEUES, BoundedQueue, type QueueSpec } from './queues.ts'
export { PeerRateLimiter } from './rate-limit.ts'
export { SeenSet } from './seen.ts'
export { VerdictAdapter, type Judgement } from './verdict.ts'
export { createGossipMetrics, type GossipMetrics } from './metrics.ts'
export { validateTxBatch, encodeTxBatch, txBatchMaxBytes, type BatchedTx } from './tx.ts'
export { encodeProposalMessage, decodeProposalMessage, validateProposal, proposalMessageMaxBytes, type ProposalMessage } from './proposal.ts'
export { encodeVoteMessage, decodeVoteMessage, validateVote, type VoteMessage } from './vote.ts'
export { encodeEvidenceMessage, decodeEvidenceMessage, validateEvidence, evidenceKey, type EvidenceMessage } from './evidence.ts'
