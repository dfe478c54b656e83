/** A load report as aligned human lines (the CLI prints it; `--json` prints the report itself). */
import type { LatencySummary } from './percentile.ts'
import type { LoadReport } from './run.ts'

function ms (s: LatencySummary | undefined): string {
  if (s === undefined) return 'none finalized'
  return `p50 ${Math.round(s.p50)} ms, p90 ${Math.round(s.p90)} ms, p99 ${Math.round(s.p99)} ms, max ${Math.round(s.max)} ms (n ${s.count})`
}

export function formatReport (r: LoadReport): Array<[string, string]> {
  const refused = Object.entries(r.refused).map(([code, n]) => `${code} ${n}`).join(', ')
  return [
    ['offered', `${r.rate} tx/s for ${r.durationMs / 1000} s over ${r.nodes} node(s) from ${r.accounts} accounts (${r.planned} transfers)`],
    ['submitted', `${r.submitted} (${r.submittedTxPerSec.toFixed(1)} tx/s), ${r.retries} retried after push-back${refused !== '' ? `, refused: ${refused}` : ''}`],
    ['finalized', `${r.finalized}${r.failed > 0 ? ` (${r.failed} with a failed receipt)` : ''}, ${r.unfinalized} not final at the end`],
    ['throughput', `${r.finalizedTxPerSec.toFixed(1)} finalized tx/s (window from ${r.warmupMs / 1000} s to the end of sending)`],
    ['latency', ms(r.latencyMs)],
    ['submit', ms(r.acceptLatencyMs)],
    ['blocks', `${r.blocks.count} (${r.blocks.firstHeight ?? '-'}–${r.blocks.lastHeight ?? '-'}), ${r.blocks.roundsAboveZero} decided in a round > 0, ` +
      `${r.blocks.meanIntervalMs === null ? '-' : Math.round(r.blocks.meanIntervalMs)} ms apart, ${r.blocks.txPerBlock === null ? '-' : r.blocks.txPerBlock.toFixed(1)} tx/block`],
    ...(r.startLagMs > 50 ? [['start lag', `${r.startLagMs} ms (signing took longer than planned)`] as [string, string]] : [])
  ]
}
