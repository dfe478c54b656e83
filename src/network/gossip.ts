/**
 * Gossip topics as the application sees them: a registry of (validator, handler) per topic name and
 * the one place that turns a validator's outcome into a gossipsub verdict.
 *
 * Gossipsub runs with `asyncValidation`: it delivers every new message as `gossipsub:message`, holds
 * it in its cache and forwards it only after we call `reportMessageValidationResult`. Accept forwards
 * and hands the bytes to the topic handler; ignore drops silently; reject drops it, and the peer that
 * forwarded it is reported to the peer scorer (SPEC §11) — by the topic's own validation for its rules
 * (src/network/topics), by this router for the oversize rule it applies itself. A message from a peer
 * that has not passed the handshake is ignored before the topic validator sees it.
 */
import { TopicValidatorResult, type GossipSub, type GossipsubMessage } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { CID } from '../codec/index.ts'
import { topicName } from './topics.ts'
import { NetworkError } from './errors.ts'
import { SCORE_PUBLISH_THRESHOLD } from './constants.ts'

export type GossipVerdict = 'accept' | 'ignore' | 'reject'
export type GossipValidator = (data: Uint8Array, from: PeerId) => GossipVerdict | Promise<GossipVerdict>
export type GossipHandler = (data: Uint8Array, from: PeerId) => void

/**
 * The gossipsub service as it exists at runtime. Its exported interface omits these members, which
 * the class has; `asGossipRuntime` checks for them instead of casting blindly.
 */
export interface GossipRuntime extends GossipSub {
  reportMessageValidationResult: (msgId: string, propagationSource: string, acceptance: TopicValidatorResult) => void
  getScore: (peerId: string) => number
  /** Peers (by id string) we hold an open gossipsub stream to: the only ones a publish can reach. */
  readonly streamsOutbound: ReadonlyMap<string, unknown>
}

export function asGossipRuntime (pubsub: GossipSub): GossipRuntime {
  const candidate = pubsub as Partial<GossipRuntime>
  if (typeof candidate.reportMessageValidationResult !== 'function' || typeof candidate.getScore !== 'function' ||
    !(candidate.streamsOutbound instanceof Map)) {
    throw new TypeError('the gossipsub service lacks reportMessageValidationResult/getScore/streamsOutbound; is @libp2p/gossipsub 17 installed?')
  }
  return pubsub as GossipRuntime
}

const RESULT: Record<GossipVerdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject
}

interface TopicEntry {
  name: string
  validate: GossipValidator
  handle: GossipHandler
}

export interface GossipRouterInit {
  pubsub: GossipRuntime
  networkId: CID
  isVerified: (peerId: string) => boolean
  /** Larger payloads are rejected before their validator runs. */
  maxMessageBytes: number
  /** Told about the rejects the router decides itself (oversize payloads), to penalise the forwarder. */
  onReject?: (peerId: string, topic: string, reason: 'TOO_LARGE') => void
  log: Logger
}

export class GossipRouter {
  private readonly init: GossipRouterInit
  /** Wire topic → entry. */
  private readonly topics = new Map<string, TopicEntry>()

  constructor (init: GossipRouterInit) {
    this.init = init
  }

  start (): void {
    this.init.pubsub.addEventListener('gossipsub:message', this.onMessage)
  }

  stop (): void {
    this.init.pubsub.removeEventListener('gossipsub:message', this.onMessage)
    this.topics.clear()
  }

  subscribe (name: string, validate: GossipValidator, handle: GossipHandler): void {
    const topic = topicName(this.init.networkId, name)
    if (this.topics.has(topic)) throw new NetworkError('ALREADY_SUBSCRIBED', `already subscribed to ${name}`)
    this.topics.set(topic, { name, validate, handle })
    this.init.pubsub.subscribe(topic)
  }

  unsubscribe (name: string): void {
    const topic = topicName(this.init.networkId, name)
    if (!this.topics.delete(topic)) return
    this.init.pubsub.unsubscribe(topic)
  }

  /** Sends to every eligible peer; 0 recipients is a normal outcome, as is re-publishing seen bytes. */
  async publish (name: string, data: Uint8Array): Promise<number> {
    const result = await this.init.pubsub.publish(topicName(this.init.networkId, name), data)
    return result.recipients.length
  }

  /**
   * Verified peers subscribed to `name` that our next publish reaches: their score clears the publish
   * threshold and our gossipsub stream to them is open.
   */
  topicPeers (name: string): string[] {
    const { pubsub, isVerified } = this.init
    return pubsub.getSubscribers(topicName(this.init.networkId, name))
      .map((p) => p.toString())
      .filter((id) => isVerified(id) && pubsub.streamsOutbound.has(id) && pubsub.getScore(id) >= SCORE_PUBLISH_THRESHOLD)
  }

  private readonly onMessage = (evt: CustomEvent<GossipsubMessage>): void => {
    const { msgId, propagationSource, msg } = evt.detail
    void this.verdict(msg.topic, msg.data, propagationSource).then((verdict) => {
      this.init.pubsub.reportMessageValidationResult(msgId, propagationSource.toString(), RESULT[verdict])
      if (verdict !== 'accept') return
      const entry = this.topics.get(msg.topic)
      try {
        entry?.handle(msg.data, propagationSource)
      } catch (err) {
        this.init.log.error({ err, topic: entry?.name }, 'gossip handler threw')
      }
    })
  }

  /** The single place where a message's fate is decided. Never throws. */
  private async verdict (topic: string, data: Uint8Array, from: PeerId): Promise<GossipVerdict> {
    const entry = this.topics.get(topic)
    // [IGNORE] a topic we do not (or no longer) subscribe to
    if (entry === undefined) return 'ignore'
    // [IGNORE] the forwarding peer has not passed the handshake
    if (!this.init.isVerified(from.toString())) return 'ignore'
    // [REJECT] oversize payload
    if (data.byteLength > this.init.maxMessageBytes) {
      this.init.onReject?.(from.toString(), entry.name, 'TOO_LARGE')
      return 'reject'
    }
    try {
      return await entry.validate(data, from)
    } catch (err) {
      // a validator that throws is our bug, not proof the peer misbehaved
      this.init.log.error({ err, topic: entry.name }, 'gossip validator threw; ignoring the message')
      return 'ignore'
    }
  }
}
