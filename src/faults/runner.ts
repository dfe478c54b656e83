/**
 * Runs a scenario: starts the network through a driver, starts the checker on every node's API,
 * performs the steps in order (each after its delay and once its condition holds), reads every node
 * once more, checks the expectations, and always stops every node and removes what the driver set
 * up — on success, on a failed step, on a safety violation, on Ctrl-C.
 *
 * The run stops at once when the checker finds a safety violation, when a node dies on its own, when
 * the caller aborts, or at the manifest's overall timeout: each of those aborts the signal every wait
 * listens to. The report says which, and what the checker saw up to then.
 */
import { readdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { Checker, SafetyViolation, httpNodeView } from '../checker/index.ts'
import { waitForCondition, nodeName, sanctionSeen, type ConditionContext } from './conditions.ts'
import { createDriver, type DriverFactory, type DriverKind, type FaultDriver } from './drivers/index.ts'
import { FaultsError } from './errors.ts'
import { checkExpectations, type ExpectationResult } from './expect.ts'
import type { ScenarioManifest, Step } from './manifest/index.ts'
import type { ScenarioReport, StepRecord } from './report.ts'

export interface RunOptions {
  /** Default 'inprocess'. */
  driver?: DriverKind
  /** Where the nodes' homes and logs go (kept); default a temporary directory, removed. */
  dir?: string
  /** Node log level (see DriverOptions). */
  logLevel?: string
  /** Aborting stops the run (and cleans up), e.g. on Ctrl-C. */
  signal?: AbortSignal
  /** Progress lines for people, as the run goes. */
  onProgress?: (line: string) => void
  /** Builds the driver instead of `createDriver(driver, …)` (another kind of network, or a test's). */
  driverFactory?: DriverFactory
}

type NodeState = 'running' | 'stopped' | 'paused'

function targetOf (step: Step): string {
  switch (step.action) {
    case 'partition': return JSON.stringify(step.groups)
    case 'heal': return ''
    case 'wait': return step.for.text
    default: return nodeName(step.node)
  }
}

async function untilAborted (signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = (): void => { reject(signal.reason instanceof Error ? signal.reason : new FaultsError('ABORTED', 'the run was aborted')) }
    if (signal.aborted) fail()
    else signal.addEventListener('abort', fail, { once: true })
  })
}

async function delay (ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal })
  } catch (err) {
    throw signal.reason instanceof Error ? signal.reason : err
  }
}

/** A directory for a run must be new: homes left by another run belong to another genesis. */
async function checkDir (dir: string | undefined): Promise<void> {
  if (dir === undefined) return
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return []
    throw new FaultsError('BAD_OPTION', `dir: cannot read ${dir}: ${err.message}`, { field: 'dir', cause: err })
  })
  if (entries.length > 0) throw new FaultsError('BAD_OPTION', `dir: ${dir} is not empty; give a new or empty directory`, { field: 'dir' })
}

/**
 * Runs the scenario and resolves with its report, passed or not. Throws only before anything started:
 * FaultsError UNSUPPORTED / UNAVAILABLE (the driver cannot run this manifest here) or BAD_OPTION.
 */
export async function runScenario (manifest: ScenarioManifest, options: RunOptions = {}): Promise<ScenarioReport> {
  const kind = options.driver ?? 'inprocess'
  await checkDir(options.dir)
  const startedAt = new Date()
  const t0 = Date.now()
  const ms = (): number => Date.now() - t0
  const progress = (line: string): void => { options.onProgress?.(`[${(ms() / 1000).toFixed(1).padStart(6)} s] ${line}`) }
  // made now, so its times (events, lags) and the steps' count from the same moment
  const checker = new Checker({
    ...(manifest.checker.pollMs !== undefined ? { pollMs: manifest.checker.pollMs } : {}),
    ...(manifest.checker.lagBlocks !== undefined ? { lagBlocks: manifest.checker.lagBlocks } : {})
  })

  const controller = new AbortController()
  const signal = controller.signal
  const abort = (reason: Error): void => { if (!signal.aborted) controller.abort(reason) }
  // swallowed here: the reason is read from the signal, and `untilAborted` rejects each wait with it
  const aborted = untilAborted(signal)
  aborted.catch(() => {})

  const driver: FaultDriver = (options.driverFactory ?? ((m, o) => createDriver(kind, m, o)))(manifest, {
    ...(options.dir !== undefined ? { dir: options.dir } : {}),
    ...(options.logLevel !== undefined ? { logLevel: options.logLevel } : {}),
    log: progress,
    onNodeFailure: (i, message) => { abort(new FaultsError('NODE_FAILED', message, { field: nodeName(i) })) }
  })
  await driver.check()
  // from here on, everything ends in the `finally` below
  const onCallerAbort = (): void => { abort(new FaultsError('ABORTED', 'the run was interrupted')) }
  options.signal?.addEventListener('abort', onCallerAbort, { once: true })
  if (options.signal?.aborted === true) onCallerAbort()
  checker.onViolation((v) => {
    progress(`SAFETY VIOLATION: ${v.message}`)
    abort(v)
  })
  const runTimer = setTimeout(() => { abort(new FaultsError('RUN_TIMEOUT', `the run took longer than its timeout of ${manifest.timeoutMs} ms`)) }, manifest.timeoutMs)

  const states = new Map<number, NodeState>()
  const ctx: ConditionContext = {
    checker,
    running: () => [...states].filter(([, s]) => s === 'running').map(([i]) => i),
    apiUrl: (i) => driver.apiUrl(i),
    did: (i) => driver.did(i)
  }
  const watch = (i: number): void => {
    states.set(i, 'running')
    checker.add(httpNodeView(nodeName(i), () => driver.apiUrl(i)))
  }
  const records: StepRecord[] = []
  const sanctions = new Map<number, boolean>()
  let failure: Error | undefined
  let starting: Promise<void> | undefined
  let cleanupError: string | null = null

  try {
    progress(`starting ${manifest.validators} validator${manifest.validators === 1 ? '' : 's'} (${driver.kind})`)
    starting = driver.start()
    await Promise.race([starting, aborted])
    for (let i = 0; i < manifest.validators; i++) watch(i)
    checker.start()
    for (const [index, step] of manifest.steps.entries()) {
      const record: StepRecord = { index, action: step.action, target: targetOf(step), note: step.note, startedMs: ms(), firedMs: null, doneMs: null, head: null }
      records.push(record)
      if (step.afterMs !== undefined) await delay(step.afterMs, signal)
      if (step.at !== undefined) await waitForCondition(step.at, ctx, { timeoutMs: step.timeoutMs, signal, field: `steps.${index}.at` })
      record.firedMs = ms()
      record.head = Math.max(checker.head, 0)
      progress(`step ${index}: ${step.action}${record.target === '' ? '' : ` ${record.target}`} (head ${record.head})`)
      await Promise.race([perform(step, index), aborted])
      record.doneMs = ms()
    }
    // the end state is checked too, not only what the last poll happened to see
    await Promise.race([checker.pollAll(), aborted])
    for (const node of manifest.expect.sanctioned) sanctions.set(node, await sanctionSeen(ctx, node, signal))
  } catch (err) {
    failure = signal.aborted && signal.reason instanceof Error ? signal.reason : err as Error
  } finally {
    clearTimeout(runTimer)
    options.signal?.removeEventListener('abort', onCallerAbort)
    await checker.stop()
    // a driver still starting is let finish, so close() finds everything it made
    await starting?.catch(() => {})
    try {
      await driver.close()
    } catch (err) {
      cleanupError = (err as Error).message
    }
  }
  const report = checker.report()
  if (checker.violation !== undefined) failure = checker.violation
  const expectations: ExpectationResult[] = failure === undefined ? checkExpectations(manifest.expect, report, sanctions) : []
  const passed = failure === undefined && report.safe && expectations.every((e) => e.ok) && cleanupError === null
  progress(`done: ${passed ? 'passed' : 'FAILED'}`)
  return {
    name: manifest.name,
    driver: driver.kind,
    passed,
    failure: failure === undefined ? null : describeFailure(failure),
    startedAt: startedAt.toISOString(),
    durationMs: ms(),
    dir: driver.dir,
    steps: records,
    checker: report,
    expectations,
    cleanup: { ok: cleanupError === null, error: cleanupError }
  }

  async function perform (step: Step, index: number): Promise<void> {
    switch (step.action) {
      case 'partition':
        await driver.partition(step.groups)
        checker.mark('partition', step.groups.flat().map(nodeName))
        return
      case 'heal':
        await driver.heal()
        checker.mark('heal', [...states.keys()].map(nodeName))
        return
      case 'kill':
        checker.mark('kill', [nodeName(step.node)])
        await driver.kill(step.node, step.signal)
        states.set(step.node, 'stopped')
        return
      case 'restart':
        // a running node is stopped first, so the restart clock starts with the node down
        if (states.get(step.node) === 'running') await driver.kill(step.node, 'SIGTERM')
        states.set(step.node, 'stopped')
        checker.mark('restart', [nodeName(step.node)])
        await driver.restart(step.node)
        states.set(step.node, 'running')
        return
      case 'pause':
        checker.mark('pause', [nodeName(step.node)])
        states.set(step.node, 'paused')
        await driver.pause(step.node)
        return
      case 'resume':
        await driver.resume(step.node)
        states.set(step.node, 'running')
        checker.mark('resume', [nodeName(step.node)])
        return
      case 'join': {
        checker.mark('join', [nodeName(step.node)])
        const i = await driver.join()
        if (i !== step.node) throw new FaultsError('BAD_MANIFEST', `steps.${index}.node: the driver joined node ${i}, the manifest expects ${step.node}`, { field: `steps.${index}.node` })
        watch(i)
        return
      }
      case 'wait':
        await waitForCondition(step.for, ctx, { timeoutMs: step.timeoutMs, signal, field: `steps.${index}.for` })
    }
  }
}

function describeFailure (err: Error): { name: string, code: string, message: string } {
  if (err instanceof SafetyViolation || err instanceof FaultsError) return { name: err.name, code: err.code, message: err.message }
  const code = (err as { code?: unknown }).code
  return { name: err.name, code: typeof code === 'string' ? code : 'ERROR', message: err.message }
}
