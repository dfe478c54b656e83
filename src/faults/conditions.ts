/**
 * Waiting for a step's condition. Heights come from the checker (what the nodes' APIs last said), so a
 * step fires on observed progress, never on a guess of how long progress takes; a sanction is read
 * from a running node's `GET /members/:did`. Every wait ends at its timeout (STEP_TIMEOUT), when the
 * run is aborted (the abort reason: a safety violation, a dead node, Ctrl-C), or when it holds.
 */
import { CheckerError, type Checker } from '../checker/index.ts'
import { API_REQUEST_TIMEOUT_MS, SANCTION_POLL_MS } from './constants.ts'
import { FaultsError } from './errors.ts'
import type { Condition } from './manifest/index.ts'

export interface ConditionContext {
  checker: Checker
  /** Indices of the nodes that run now (not stopped, not paused). */
  running: () => number[]
  apiUrl: (i: number) => string | undefined
  did: (i: number) => string
}

export const nodeName = (i: number): string => `node${i}`

/** Whether some running node's ledger shows `node` with a sanction level of 1 or more. */
export async function sanctionSeen (ctx: ConditionContext, node: number, signal?: AbortSignal): Promise<boolean> {
  const did = ctx.did(node)
  for (const i of ctx.running()) {
    const url = ctx.apiUrl(i)
    if (url === undefined) continue
    try {
      const timeout = AbortSignal.timeout(API_REQUEST_TIMEOUT_MS)
      const res = await fetch(`${url}/members/${encodeURIComponent(did)}`, { signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]) })
      if (res.status !== 200) {
        await res.body?.cancel()
        continue
      }
      const body = await res.json() as { validator?: { sanctionLevel?: unknown } }
      const level = body.validator?.sanctionLevel
      if (typeof level === 'number' && level >= 1) return true
    } catch {
      // a node that does not answer now is asked again next time
    }
  }
  return false
}

function abortError (signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new FaultsError('ABORTED', 'the run was aborted')
}

async function pollSanction (ctx: ConditionContext, node: number, timeoutMs: number, signal: AbortSignal, field: string, text: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (signal.aborted) throw abortError(signal)
    if (await sanctionSeen(ctx, node, signal)) return
    if (Date.now() > deadline) throw new FaultsError('STEP_TIMEOUT', `${field}: "${text}" did not hold within ${timeoutMs} ms`, { field })
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, SANCTION_POLL_MS)
      function done (): void {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      signal.addEventListener('abort', done, { once: true })
    })
  }
}

/** The predicate of a height condition; `base` is the head when the wait began (for +N). */
function heightHolds (c: Extract<Condition, { kind: 'height' }>, ctx: ConditionContext, base: number): () => boolean {
  const target = c.relative ? base + c.height : c.height
  const at = (i: number): number => ctx.checker.finalizedHeight(nodeName(i)) ?? -1
  if (c.scope === 'head') return () => ctx.checker.head >= target
  if (c.scope === 'all') return () => ctx.running().every((i) => at(i) >= target)
  const node = c.scope.node
  return () => at(node) >= target
}

/** Waits until `c` holds; `field` names the step in a timeout (`steps.3.at`). */
export async function waitForCondition (c: Condition, ctx: ConditionContext, opts: { timeoutMs: number, signal: AbortSignal, field: string }): Promise<void> {
  if (c.kind === 'sanctioned') {
    await pollSanction(ctx, c.node, opts.timeoutMs, opts.signal, opts.field, c.text)
    return
  }
  const holds = heightHolds(c, ctx, Math.max(ctx.checker.head, 0))
  try {
    await ctx.checker.waitFor(holds, { timeout: opts.timeoutMs, signal: opts.signal, what: c.text })
  } catch (err) {
    if (err instanceof CheckerError && err.code === 'TIMEOUT') {
      throw new FaultsError('STEP_TIMEOUT', `${opts.field}: "${c.text}" did not hold within ${opts.timeoutMs} ms (head ${ctx.checker.head})`, { field: opts.field, cause: err })
    }
    throw err
  }
}
