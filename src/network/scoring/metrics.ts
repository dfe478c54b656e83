/** Optional Prometheus metrics of peer scoring, labelled by bounded values only (never a peer id). */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { PeerAction } from './actions.ts'

export interface ScoringMetrics {
  /** Conduct reports, by tolerance tier. */
  reports: Counter<'action'>
  /** Peers disconnected for their score, and peers banned (score or fatal offence). */
  outcomes: Counter<'outcome'>
  /** Bans currently in force (set by the scorer's sweep and on every change). */
  banned: Gauge
}

export function createScoringMetrics (registry: Registry): ScoringMetrics {
  return {
    reports: new Counter({ name: 'icn_peer_conduct_reports_total', help: 'Peer conduct reports by tolerance tier', labelNames: ['action'], registers: [registry] }),
    outcomes: new Counter({ name: 'icn_peer_conduct_outcomes_total', help: 'Peers disconnected or banned for their conduct', labelNames: ['outcome'], registers: [registry] }),
    banned: new Gauge({ name: 'icn_peers_banned', help: 'Peers currently banned', registers: [registry] })
  }
}

export function countReport (metrics: ScoringMetrics | undefined, action: PeerAction): void {
  metrics?.reports.inc({ action })
}
