/** A scenario run's report, and the same as text for people. */
import { formatCheckerReport, formatMs, type CheckerReport } from '../checker/index.ts'
import type { ExpectationResult } from './expect.ts'
import type { ActionName } from './manifest/index.ts'

export interface StepRecord {
  index: number
  action: ActionName
  /** The node it concerns, or the groups of a partition, as the manifest wrote them. */
  target: string
  note: string | undefined
  /** When the step began waiting for its trigger, in ms since the run started. */
  startedMs: number
  /** When its action began (after `after` and `at`); null if it never fired. */
  firedMs: number | null
  /** When its action completed; null if it did not. */
  doneMs: number | null
  /** Highest finalized height when it fired. */
  head: number | null
}

export interface ScenarioReport {
  name: string
  /** The driver's kind. */
  driver: string
  /** Safe, every step done, every expectation met, everything cleaned up. */
  passed: boolean
  /** Why the run stopped early or failed: a safety violation, a step timeout, a dead node… */
  failure: { name: string, code: string, message: string } | null
  startedAt: string
  durationMs: number
  /** Where the nodes' homes and logs were (removed at the end unless given with --dir). */
  dir: string
  steps: StepRecord[]
  checker: CheckerReport
  expectations: ExpectationResult[]
  cleanup: { ok: boolean, error: string | null }
}

export function formatScenarioReport (r: ScenarioReport): string {
  const lines: string[] = []
  lines.push(`scenario ${r.name} (${r.driver}): ${r.passed ? 'PASSED' : 'FAILED'} in ${formatMs(r.durationMs)}`)
  if (r.failure !== null) lines.push(`  ${r.failure.code}: ${r.failure.message}`)
  lines.push('steps:')
  for (const s of r.steps) {
    const when = s.firedMs === null ? 'not fired' : `at ${formatMs(s.firedMs)}, head ${s.head ?? '-'}`
    const took = s.doneMs !== null && s.firedMs !== null ? `, took ${formatMs(s.doneMs - s.firedMs)}` : s.firedMs !== null ? ', did not complete' : ''
    lines.push(`  ${String(s.index).padStart(2)} ${s.action}${s.target === '' ? '' : ` ${s.target}`}: ${when}${took}${s.note === undefined ? '' : `  (${s.note})`}`)
  }
  lines.push(...formatCheckerReport(r.checker).trimEnd().split('\n'))
  if (r.expectations.length > 0) {
    lines.push('expectations:')
    for (const e of r.expectations) lines.push(`  ${e.ok ? 'ok  ' : 'FAIL'} ${e.name}: ${e.detail}`)
  }
  if (!r.cleanup.ok) lines.push(`cleanup FAILED: ${r.cleanup.error ?? ''}`)
  return lines.join('\n') + '\n'
}
