/**
 * The one place that turns validation outcomes into gossipsub verdicts (STYLE 9, after Lodestar's
 * gossipValidatorFn): a validator returns (accept) or throws a GossipValidationError whose code fixes
 * ignore or reject; this adapter counts the outcome by topic and code and reports the forwarding
 * peer's penalty (`gossipPenalty`) to the scorer. Anything else a validator throws is our bug: logged,
 * ignored, never held against the peer.
 */
import type { Logger } from 'pino'
import type { GossipVerdict } from '../gossip.ts'
import type { PeerScorer } from '../scoring/index.ts'
import type { GossipTopic } from './constants.ts'
import { GossipValidationError, gossipPenalty } from './errors.ts'
import type { GossipMetrics } from './metrics.ts'

export type Judgement<T> =
  | { verdict: 'accept', value: T }
  | { verdict: 'ignore' | 'reject', error: GossipValidationError }

export interface VerdictAdapterInit {
  scorer: Pick<PeerScorer, 'report'>
  metrics?: GossipMetrics
  log: Logger
}

export class VerdictAdapter {
  readonly #init: VerdictAdapterInit

  constructor (init: VerdictAdapterInit) {
    this.#init = init
  }

  /** Runs `validate` for a message of `topic` forwarded by `from` and gives its verdict. */
  judge<T> (topic: GossipTopic, from: string, validate: () => T): Judgement<T> {
    let value: T
    try {
      value = validate()
    } catch (err) {
      if (err instanceof GossipValidationError) return { verdict: this.refuse(topic, from, err), error: err }
      this.#init.log.error({ err, topic }, 'gossip validator failed; ignoring the message')
      const internal = GossipValidationError.of('INTERNAL', `validator failed: ${(err as Error)?.message ?? String(err)}`)
      return { verdict: this.refuse(topic, from, internal), error: internal }
    }
    this.#init.metrics?.validations.inc({ topic, verdict: 'accept', code: 'none' })
    return { verdict: 'accept', value }
  }

  /** Counts and penalises a message refused by `error` (also for drops decided before validation). */
  refuse (topic: GossipTopic, from: string, error: GossipValidationError): Exclude<GossipVerdict, 'accept'> {
    this.#init.metrics?.validations.inc({ topic, verdict: error.action, code: error.code })
    const penalty = gossipPenalty(error.code)
    if (penalty !== undefined) this.#init.scorer.report(from, penalty, `gossip:${topic}:${error.code}`)
    if (error.action === 'reject') {
      this.#init.log.debug({ topic, peer: from, code: error.code, detail: error.detail }, `rejected gossip: ${error.message}`)
    }
    return error.action
  }

  /** Counts a refusal without penalising anyone (the peer was already charged for this window). */
  drop (topic: GossipTopic, error: GossipValidationError): Exclude<GossipVerdict, 'accept'> {
    this.#init.metrics?.validations.inc({ topic, verdict: error.action, code: error.code })
    return error.action
  }
}
