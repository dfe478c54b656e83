/**
 * Optional Prometheus metrics of gossip validation (STYLE 13), labelled only by bounded values: the
 * topic, the verdict and the error code (GossipErrorCode, or `none` for accepted messages).
 */
import { Counter, Gauge, type Registry } from 'prom-client'

export interface GossipMetrics {
  validations: Counter<'topic' | 'verdict' | 'code'>
  queueLength: Gauge<'topic'>
}

export function createGossipMetrics (registry: Registry): GossipMetrics {
  return {
    validations: new Counter({
      name: 'icn_gossip_validations_total',
      help: 'Gossip messages by topic, verdict and the rule that decided it',
      labelNames: ['topic', 'verdict', 'code'],
      registers: [registry]
    }),
    queueLength: new Gauge({
      name: 'icn_gossip_queue_length',
      help: 'Gossip messages waiting for validation, by topic',
      labelNames: ['topic'],
      registers: [registry]
    })
  }
}
