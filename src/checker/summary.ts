/** The checker's report as text for people: the safety verdict first, then liveness, then nodes. */
import type { CheckerReport, LivenessEvent } from './types.ts'

export function formatMs (ms: number | null): string {
  if (ms === null) return 'never'
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

function eventLine (e: LivenessEvent): string {
  const who = e.kind === 'heal' || e.kind === 'partition' ? '' : ` ${e.nodes.join(', ')}`
  let line = `${e.kind}${who} at ${formatMs(e.atMs)} (head ${e.headAtEvent})`
  if (e.catchUp.length === 0 && e.recoveryMs === null) return line
  line += `: next block after ${formatMs(e.recoveryMs)}`
  const behind = e.catchUp.filter((c) => c.ms !== 0)
  if (behind.length > 0) line += `; reached height ${e.headAtEvent}: ${behind.map((c) => `${c.node} after ${formatMs(c.ms)}`).join(', ')}`
  return line
}

export function formatCheckerReport (r: CheckerReport): string {
  const lines: string[] = []
  const counts = `${r.nodes.length} node${r.nodes.length === 1 ? '' : 's'}, ${r.polls} status reads, ${r.blocksRead} block reads, ${r.heightsChecked} heights compared, head ${r.head}, ${formatMs(r.durationMs)}`
  if (r.violation === null) lines.push(`safety: OK (${counts})`)
  else lines.push(`safety: VIOLATED at ${formatMs(r.violation.atMs)}: ${r.violation.message}`, `  (${counts})`)
  lines.push('liveness:')
  const measured = r.events.filter((e) => e.kind !== 'partition' && e.kind !== 'kill' && e.kind !== 'pause')
  for (const e of measured) lines.push(`  ${eventLine(e)}`)
  for (const l of r.lags) {
    lines.push(`  ${l.node} lagged from ${formatMs(l.startMs)} (height ${l.fromHeight}, head ${l.headAtStart}, up to ${l.maxLag} behind): ${l.durationMs === null ? 'still behind at the end' : `back after ${formatMs(l.durationMs)}`}`)
  }
  lines.push(`  longest time without a new finalized block: ${formatMs(r.maxStallMs)}`)
  lines.push('nodes:')
  for (const n of r.nodes) {
    lines.push(`  ${n.name.padEnd(7)} height ${String(n.finalizedHeight ?? '-').padStart(4)}  reads ${n.polls}  unanswered ${n.unreachable}  down ${n.down}`)
  }
  return lines.join('\n') + '\n'
}
