/**
 * The gossip service: joins the four topics of a shard, validates what arrives and hands accepted
 * messages to the node, and publishes the node's own messages (protocols/gossip.md).
 *
 * Flow of a received message (Lodestar style): gossipsub (asyncValidation) gives the host router the
 * message; the router calls our per-topic validator, which only checks the peer's rate limit and
 * queues the message in its topic's bounded queue (queues.ts), returning a promise of the verdict. A
 * worker takes queued messages, consensus topics first, validates them in batches (so many per turn
 * of the event loop, then it yields) and resolves each verdict through the verdict adapter; the router
 * reports it to gossipsub and, on accept, calls our handler, which passes the already-decoded message
 * to the node's handler. A full queue drops a message with `ignore`.
 */
import { pino, type Logger } from 'pino'
import type { PeerId } from '@libp2p/interface'
import { cachingVerifier, type Proposal, type Vote } from '../../consensus/index.ts'
import type { Block } from '../../ledger/index.ts'
import type { GossipVerdict } from '../gossip.ts'
import * as d from './constants.ts'
import { GOSSIP_TOPICS, gossipTopicName, type GossipTopic } from './constants.ts'
import { GossipValidationError } from './errors.ts'
import { GOSSIP_QUEUES, BoundedQueue } from './queues.ts'
import { PeerRateLimiter } from './rate-limit.ts'
import { SeenSet, signatureKey } from './seen.ts'
import { VerdictAdapter } from './verdict.ts'
import { encodeTxBatch, validateTxBatch, type BatchedTx } from './tx.ts'
import { encodeProposalMessage, validateProposal } from './proposal.ts'
import { encodeVoteMessage, validateVote } from './vote.ts'
import { encodeEvidenceMessage, evidenceKey, validateEvidence } from './evidence.ts'
import type { Gossip, GossipOptions, ValidationDeps } from './types.ts'

/** A decoded, accepted message waiting for its handler, by topic. */
type Accepted =
  | { topic: 'tx', txs: BatchedTx[] }
  | { topic: 'proposal', proposal: Proposal, block: Block }
  | { topic: 'vote', vote: Vote }
  | { topic: 'evidence', a: Vote, b: Vote }

/** One validator per topic; the Record makes a missing one a compile error. */
const VALIDATORS: { [T in GossipTopic]: (data: Uint8Array, deps: ValidationDeps) => Extract<Accepted, { topic: T }> } = {
  tx: (data, deps) => ({ topic: 'tx', txs: validateTxBatch(data, deps) }),
  proposal: (data, deps) => ({ topic: 'proposal', ...validateProposal(data, deps) }),
  vote: (data, deps) => ({ topic: 'vote', vote: validateVote(data, deps) }),
  evidence: (data, deps) => ({ topic: 'evidence', ...validateEvidence(data, deps) })
}

/** The batch being filled; `sent` settles when it is published. */
interface Outgoing {
  txs: Uint8Array[]
  bytes: number
  timer: NodeJS.Timeout | undefined
  sent: PromiseWithResolvers<number>
}

function newOutgoing (): Outgoing {
  return { txs: [], bytes: 0, timer: undefined, sent: Promise.withResolvers<number>() }
}

interface Pending {
  topic: GossipTopic
  data: Uint8Array
  from: string
  resolve: (verdict: GossipVerdict) => void
}

class GossipService implements Gossip {
  readonly #opts: GossipOptions
  readonly #log: Logger
  readonly #now: () => number
  readonly #deps: ValidationDeps
  readonly #adapter: VerdictAdapter
  /** Per-peer budgets: consensus topics share SPEC §11's, transactions have their own. */
  readonly #limiters: { consensus: PeerRateLimiter, tx: PeerRateLimiter }
  readonly #queues: Record<GossipTopic, BoundedQueue<Pending>>
  readonly #batchSize: number
  readonly #batchMs: number
  /** Accepted messages by their gossip bytes, from the verdict until the router calls the handler. */
  readonly #accepted = new WeakMap<Uint8Array, Accepted>()
  readonly #batchMax: number
  readonly #batchFill: number
  readonly #batchWait: number
  /** Transactions waiting to be published in one batch. */
  #outgoing: Outgoing = newOutgoing()
  #scheduled = false
  #running = false

  constructor (opts: GossipOptions) {
    this.#opts = opts
    this.#log = (opts.logger ?? pino({ enabled: false })).child({ module: 'gossip' })
    this.#now = opts.now ?? Date.now
    const seenSize = opts.seenCacheSize ?? d.DEFAULT_SEEN_CACHE_SIZE
    this.#deps = {
      context: opts.context,
      verifier: opts.verifier ?? cachingVerifier(),
      seen: { proposal: new SeenSet(seenSize), vote: new SeenSet(seenSize), evidence: new SeenSet(seenSize) }
    }
    this.#adapter = new VerdictAdapter({ scorer: opts.scorer, log: this.#log, ...(opts.metrics !== undefined ? { metrics: opts.metrics } : {}) })
    const windowMs = opts.rateLimit?.windowMs ?? d.DEFAULT_RATE_LIMIT_WINDOW_MS
    this.#limiters = {
      consensus: new PeerRateLimiter({ messages: opts.rateLimit?.messages ?? d.DEFAULT_RATE_LIMIT_MESSAGES, windowMs, now: this.#now }),
      tx: new PeerRateLimiter({ messages: opts.rateLimit?.txMessages ?? d.DEFAULT_TX_RATE_LIMIT_MESSAGES, windowMs, now: this.#now })
    }
    const queue = (topic: GossipTopic): BoundedQueue<Pending> => new BoundedQueue({ ...GOSSIP_QUEUES[topic], ...opts.queues?.[topic] })
    this.#queues = { proposal: queue('proposal'), vote: queue('vote'), evidence: queue('evidence'), tx: queue('tx') }
    this.#batchSize = opts.batchSize ?? d.DEFAULT_BATCH_SIZE
    this.#batchMs = opts.batchMs ?? d.DEFAULT_BATCH_MS
    this.#batchMax = opts.txBatch?.maxTxs ?? d.TX_BATCH_MAX_TXS
    this.#batchFill = opts.txBatch?.fillBytes ?? d.TX_BATCH_FILL_BYTES
    this.#batchWait = opts.txBatch?.waitMs ?? d.TX_BATCH_WAIT_MS
  }

  start (): void {
    if (this.#running) return
    this.#running = true
    const { host } = this.#opts
    for (const topic of GOSSIP_TOPICS) {
      host.subscribe(this.#name(topic),
        async (data, from) => this.#enqueue(topic, data, from),
        (data, from) => { this.#deliver(data, from) })
    }
    host.addEventListener('peer:disconnected', this.#onPeerGone)
  }

  stop (): void {
    if (!this.#running) return
    this.#running = false
    const { host } = this.#opts
    host.removeEventListener('peer:disconnected', this.#onPeerGone)
    const { timer, sent } = this.#outgoing
    if (timer !== undefined) clearTimeout(timer)
    sent.resolve(0)
    this.#outgoing = newOutgoing()
    for (const topic of GOSSIP_TOPICS) {
      host.unsubscribe(this.#name(topic))
      for (const pending of this.#queues[topic].drain()) pending.resolve('ignore')
    }
    this.#limiters.consensus.clear()
    this.#limiters.tx.clear()
  }

  /**
   * Queues a transaction for the next batch. The batch goes out when it holds TX_BATCH_MAX_TXS or
   * TX_BATCH_FILL_BYTES, or TX_BATCH_WAIT_MS after its first transaction; a transaction that would
   * overfill it closes it first. Resolves with the number of peers its batch went to.
   */
  async publishTx (bytes: Uint8Array): Promise<number> {
    if (!this.#running) return 0
    const batch = this.#outgoing
    if (batch.txs.length > 0 && batch.bytes + bytes.byteLength > this.#batchFill) this.#flushTxs()
    const { txs, sent } = this.#outgoing
    txs.push(bytes)
    this.#outgoing.bytes += bytes.byteLength
    if (txs.length >= this.#batchMax || this.#outgoing.bytes >= this.#batchFill) this.#flushTxs()
    else this.#outgoing.timer ??= setTimeout(() => { this.#flushTxs() }, this.#batchWait)
    return sent.promise
  }

  /** Publishes the pending batch, if any, and starts a new one. */
  #flushTxs (): void {
    const { txs, sent, timer } = this.#outgoing
    if (timer !== undefined) clearTimeout(timer)
    this.#outgoing = newOutgoing()
    if (txs.length === 0) { sent.resolve(0); return }
    this.#opts.host.publish(this.#name('tx'), encodeTxBatch(txs)).then(sent.resolve, sent.reject)
  }

  async publishProposal (proposal: Proposal, block: Block): Promise<number> {
    // our own message: a copy relayed back to us is a duplicate
    this.#deps.seen.proposal.add(signatureKey(proposal.signature))
    return this.#opts.host.publish(this.#name('proposal'), encodeProposalMessage(proposal, block, this.#now()))
  }

  async publishVote (vote: Vote): Promise<number> {
    this.#deps.seen.vote.add(signatureKey(vote.signature))
    return this.#opts.host.publish(this.#name('vote'), encodeVoteMessage(vote, this.#now()))
  }

  async publishEvidence (a: Vote, b: Vote): Promise<number> {
    this.#deps.seen.evidence.add(evidenceKey(a))
    return this.#opts.host.publish(this.#name('evidence'), encodeEvidenceMessage(a, b))
  }

  queueLengths (): Record<GossipTopic, number> {
    const q = this.#queues
    return { proposal: q.proposal.length, vote: q.vote.length, evidence: q.evidence.length, tx: q.tx.length }
  }

  #name (topic: GossipTopic): string {
    return gossipTopicName(topic, this.#opts.context.shard)
  }

  /** The router's validator for `topic`: rate limit, then a place in the queue. */
  async #enqueue (topic: GossipTopic, data: Uint8Array, peer: PeerId): Promise<GossipVerdict> {
    if (!this.#running) return 'ignore'
    const from = peer.toString()
    // [IGNORE] the forwarding peer is within its rate limit (else it is penalised, once per window)
    const limiter = topic === 'tx' ? this.#limiters.tx : this.#limiters.consensus
    if (!limiter.allow(from)) {
      const error = GossipValidationError.of('RATE_LIMITED', `peer ${from} is over its gossip rate limit`)
      return limiter.shouldPenalize(from) ? this.#adapter.refuse(topic, from, error) : this.#adapter.drop(topic, error)
    }
    const { promise, resolve } = Promise.withResolvers<GossipVerdict>()
    const dropped = this.#queues[topic].push({ topic, data, from, resolve })
    // [IGNORE] the topic's queue has room (else the arriving or the oldest message is dropped, per the table)
    if (dropped !== undefined) dropped.resolve(this.#adapter.refuse(topic, dropped.from, GossipValidationError.of('QUEUE_FULL', `${topic} queue full`)))
    this.#schedule()
    return promise
  }

  #schedule (): void {
    if (this.#scheduled || !this.#running) return
    this.#scheduled = true
    setImmediate(() => { this.#runBatch() })
  }

  /** Validates one batch, highest-priority topics first, then yields to the event loop. */
  #runBatch (): void {
    this.#scheduled = false
    if (!this.#running) return
    const started = performance.now()
    for (let n = 0; n < this.#batchSize && performance.now() - started < this.#batchMs; n++) {
      const pending = this.#next()
      if (pending === undefined) break
      const judged = this.#adapter.judge(pending.topic, pending.from, () => VALIDATORS[pending.topic](pending.data, this.#deps))
      if (judged.verdict === 'accept') this.#accepted.set(pending.data, judged.value)
      pending.resolve(judged.verdict)
    }
    const lengths = this.queueLengths()
    if (this.#opts.metrics !== undefined) for (const topic of GOSSIP_TOPICS) this.#opts.metrics.queueLength.set({ topic }, lengths[topic])
    if (GOSSIP_TOPICS.some((t) => lengths[t] > 0)) this.#schedule()
  }

  #next (): Pending | undefined {
    for (const topic of GOSSIP_TOPICS) {
      const pending = this.#queues[topic].take()
      if (pending !== undefined) return pending
    }
    return undefined
  }

  /** The router's handler: an accepted message goes to the node, decoded once. */
  #deliver (data: Uint8Array, peer: PeerId): void {
    const accepted = this.#accepted.get(data)
    if (accepted === undefined) return
    this.#accepted.delete(data)
    const from = peer.toString()
    const { handlers } = this.#opts
    try {
      switch (accepted.topic) {
        case 'tx': handlers.tx(accepted.txs, from); break
        case 'proposal': handlers.proposal(accepted.proposal, accepted.block, from); break
        case 'vote': handlers.vote(accepted.vote, from); break
        case 'evidence': handlers.evidence(accepted.a, accepted.b, from); break
      }
    } catch (err) {
      this.#log.error({ err, topic: accepted.topic }, 'gossip handler threw')
    }
  }

  readonly #onPeerGone = (): void => {
    this.#limiters.consensus.sweep()
    this.#limiters.tx.sweep()
  }
}

/** Creates the gossip service for `context.shard` (not yet subscribed: call `start()`). */
export function createGossip (opts: GossipOptions): Gossip {
  return new GossipService(opts)
}
