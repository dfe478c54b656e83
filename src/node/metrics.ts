/**
 * Node-level Prometheus metrics. Gauges are computed on scrape from the live node, so nothing has to
 * remember to update them. Labels are bounded (peer state, not peer id).
 */
import { Gauge, collectDefaultMetrics, type Registry } from 'prom-client'
import type { PeerSummary } from '../network/index.ts'

export interface NodeMetricsSources {
  version: string
  networkId: string
  peers: () => PeerSummary[]
  uptimeMs: () => number
}

export interface NodeMetricsInit {
  /** Process metrics (CPU, memory, event loop, GC) from prom-client. Default true. */
  defaultMetrics?: boolean
}

export function registerNodeMetrics (registry: Registry, sources: NodeMetricsSources, init: NodeMetricsInit = {}): void {
  if (init.defaultMetrics ?? true) collectDefaultMetrics({ register: registry })
  new Gauge({
    name: 'icn_node_info',
    help: 'Always 1; labels carry the version and the network id',
    labelNames: ['version', 'network_id'],
    registers: [registry]
  }).set({ version: sources.version, network_id: sources.networkId }, 1)
  new Gauge({
    name: 'icn_peers',
    help: 'Connected peers, by handshake state',
    labelNames: ['state'],
    registers: [registry],
    collect () {
      const peers = sources.peers()
      const verified = peers.filter((p) => p.verified).length
      this.set({ state: 'verified' }, verified)
      this.set({ state: 'pending' }, peers.length - verified)
    }
  })
  new Gauge({
    name: 'icn_uptime_seconds',
    help: 'Seconds since the node started',
    registers: [registry],
    collect () {
      this.set(sources.uptimeMs() / 1000)
    }
  })
}
