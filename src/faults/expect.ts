/**
 * The manifest's `expect`, checked at the end of a run against the checker's report: safety always;
 * liveness bounds (every heal / restart / resume / join followed by a finalized block, and each node
 * concerned back at the head of that moment, within the bounds); a minimum height; sanctions.
 */
import { RECOVERY_EVENTS, formatMs, type CheckerReport } from '../checker/index.ts'
import type { ScenarioExpect } from './manifest/index.ts'

export interface ExpectationResult {
  /** `safety`, `liveness.maxRecoveryMs`, `minHeight`, `sanctioned.node3`… */
  name: string
  ok: boolean
  detail: string
}

export function checkExpectations (expect: ScenarioExpect, report: CheckerReport, sanctions: ReadonlyMap<number, boolean>): ExpectationResult[] {
  const out: ExpectationResult[] = [{
    name: 'safety',
    ok: report.safe,
    detail: report.violation?.message ?? `no conflicting or rolled-back finalized block in ${report.heightsChecked} heights`
  }]
  const recoveries = report.events.filter((e) => RECOVERY_EVENTS.has(e.kind))
  if (expect.maxRecoveryMs !== undefined) {
    const max = expect.maxRecoveryMs
    const late = recoveries.filter((e) => e.recoveryMs === null || e.recoveryMs > max)
    const worst = Math.max(0, ...recoveries.map((e) => e.recoveryMs ?? Number.POSITIVE_INFINITY))
    out.push({
      name: 'liveness.maxRecoveryMs',
      ok: late.length === 0,
      detail: late.length === 0
        ? `${recoveries.length} recoveries, slowest ${formatMs(worst)} (bound ${formatMs(max)})`
        : late.map((e) => `${e.kind} at ${formatMs(e.atMs)}: next block ${e.recoveryMs === null ? 'never came' : `after ${formatMs(e.recoveryMs)}`}`).join('; ') + ` (bound ${formatMs(max)})`
    })
  }
  if (expect.maxCatchUpMs !== undefined) {
    const max = expect.maxCatchUpMs
    const all = recoveries.flatMap((e) => e.catchUp.map((c) => ({ ...c, event: e })))
    const late = all.filter((c) => c.ms === null || c.ms > max)
    const worst = Math.max(0, ...all.map((c) => c.ms ?? Number.POSITIVE_INFINITY))
    out.push({
      name: 'liveness.maxCatchUpMs',
      ok: late.length === 0,
      detail: late.length === 0
        ? `${all.length} catch-ups, slowest ${formatMs(worst)} (bound ${formatMs(max)})`
        : late.map((c) => `${c.node} after ${c.event.kind} at ${formatMs(c.event.atMs)}: ${c.ms === null ? 'never reached' : `reached after ${formatMs(c.ms)}`} height ${c.event.headAtEvent}`).join('; ') + ` (bound ${formatMs(max)})`
    })
  }
  if (expect.minHeight !== undefined) {
    out.push({ name: 'minHeight', ok: report.head >= expect.minHeight, detail: `head ${report.head}, expected at least ${expect.minHeight}` })
  }
  for (const node of expect.sanctioned) {
    const seen = sanctions.get(node) === true
    out.push({ name: `sanctioned.node${node}`, ok: seen, detail: seen ? `node${node} is sanctioned on chain` : `no running node shows node${node} sanctioned` })
  }
  return out
}
