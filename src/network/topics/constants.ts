/**
 * The gossip topics and the defaults of the gossip service (protocols/gossip.md). Defaults are applied
 * once in `createGossip` as `init.x ?? DEFAULT_X`.
 */

/**
 * The topics, in the order the validation worker serves their queues: consensus first, so a flood of
 * transactions never delays a proposal or a vote.
 */
export const GOSSIP_TOPICS = ['proposal', 'vote', 'evidence', 'tx'] as const
export type GossipTopic = typeof GOSSIP_TOPICS[number]

/**
 * The topic's name as the host knows it, `<topic>-s<shard>` (on the wire `/icn/<networkId>/<topic>-s<shard>/1`):
 * every shard is its own chain with its own consensus, so each gets its own meshes, and a node joins
 * only the shards it serves.
 */
export function gossipTopicName (topic: GossipTopic, shard: number): string {
  return `${topic}-s${shard}`
}

/** Largest vote message. A vote encodes to about 250 bytes; the cap leaves room, never for a second vote. */
export const VOTE_MESSAGE_MAX_BYTES = 1024
/** Largest evidence message: two votes. */
export const EVIDENCE_MESSAGE_MAX_BYTES = 2048
/** What a proposal message may add around its block: the signed proposal, `sentAt` and CBOR framing. */
export const PROPOSAL_ENVELOPE_BYTES = 4096

/** SPEC §11: 1,000 messages per 60 s per peer — the budget of the consensus topics (proposal, vote, evidence). */
export const DEFAULT_RATE_LIMIT_MESSAGES = 1000
export const DEFAULT_RATE_LIMIT_WINDOW_MS = 60_000
/**
 * Transaction batches have a budget of their own, 60,000 messages per 60 s per peer (1,000/s). An
 * honest peer relays every member's transactions, so its rate is the network's, not its own: with
 * SPEC §11's 1,000 per minute, validators under a load of more than ~17 tx/s each disconnected and
 * banned one another (measured by the network benchmark). A node closes a batch at most every
 * TX_BATCH_WAIT_MS (100/s) unless it is full, so a relay forwarding the batches of up to ten lightly
 * loaded nodes stays inside the budget, and a loaded one sends full batches. Spam is still bounded:
 * by mana (a transaction that cannot pay is never relayed), by the tx queue, and by this budget.
 */
export const DEFAULT_TX_RATE_LIMIT_MESSAGES = 60_000

/** Messages the validation worker handles before it yields to the event loop... */
export const DEFAULT_BATCH_SIZE = 64
/** ...or milliseconds it spends, whichever comes first (a proposal with a full block takes several ms). */
export const DEFAULT_BATCH_MS = 20

/** Signatures (votes, proposals) and offences (evidence) remembered per topic to ignore duplicates. */
export const DEFAULT_SEEN_CACHE_SIZE = 16_384

/**
 * Transaction batches (topic `tx`): a node relays the transactions admitted locally in batches of at
 * most TX_BATCH_MAX_TXS, closed when they reach TX_BATCH_FILL_BYTES or TX_BATCH_WAIT_MS after the
 * first one arrived. A transaction larger than the fill size travels alone.
 */
export const TX_BATCH_MAX_TXS = 256
export const TX_BATCH_FILL_BYTES = 64 * 1024
/** Latency a transaction may pay for batching; under load batches fill well before it. */
export const TX_BATCH_WAIT_MS = 10
