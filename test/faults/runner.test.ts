/**
 * The scenario runner over a fake driver (forged node APIs whose chains grow on a timer): steps fire
 * in order on observed heights, the checker watches throughout, and the driver is closed whatever
 * happens — a pass, a safety violation (which stops the run at once, skipping the remaining steps),
 * a step timeout, a dead node, an abort.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseManifest, runScenario, formatScenarioReport, type ScenarioReport } from '../../src/faults/index.ts'
import { fakeDriverFactory, fakeNetwork, type FakeNetwork } from './fake-driver.ts'

/** Runs `manifest` (with a fast checker) over `net`. */
async function run (net: FakeNetwork, manifest: Record<string, unknown>, options: { signal?: AbortSignal, onProgress?: (line: string) => void } = {}): Promise<ScenarioReport> {
  return runScenario(parseManifest({ checker: { pollMs: 10 }, ...manifest }, { name: 'test' }), { driverFactory: fakeDriverFactory(net), ...options })
}

test('steps fire in order on observed heights, the checker watches throughout, the driver is closed', async () => {
  const net = fakeNetwork()
  const report = await run(net, {
    validators: 4,
    steps: [
      { at: 'height>=3', action: 'partition', groups: [[0, 1], [2, 3]] },
      { after: '50ms', action: 'heal' },
      { action: 'kill', node: 2 },
      { action: 'wait', for: 'height>=+3' },
      { action: 'restart', node: 2 },
      { action: 'pause', node: 1 },
      { action: 'resume', node: 1 },
      { action: 'join', node: 4 },
      { action: 'wait', for: 'all.height>=+2' }
    ],
    expect: { minHeight: 5, liveness: { maxRecoveryMs: 60_000 } }
  })
  assert.equal(report.passed, true, formatScenarioReport(report))
  assert.equal(report.failure, null)
  assert.deepEqual(net.calls, ['partition [[0,1],[2,3]]', 'heal', 'kill 2 SIGKILL', 'restart 2', 'pause 1', 'resume 1', 'join 4'])
  assert.equal(net.closed, 1)
  assert.ok(report.steps.every((s) => s.firedMs !== null && s.doneMs !== null), 'every step fired and completed')
  assert.ok((report.steps[0]?.head ?? 0) >= 3, 'the partition fired at height 3 or later')
  assert.deepEqual(report.checker.events.map((e) => e.kind), ['partition', 'heal', 'kill', 'restart', 'pause', 'resume', 'join'])
  assert.ok(report.checker.events.filter((e) => e.kind === 'heal' || e.kind === 'restart').every((e) => e.recoveryMs !== null))
  assert.equal(report.checker.nodes.length, 5, 'the joiner is watched too')
  assert.ok(report.checker.polls > 20)
  assert.deepEqual(report.expectations.map((e) => [e.name, e.ok]), [['safety', true], ['liveness.maxRecoveryMs', true], ['minHeight', true]])
})

test('a safety violation stops the run at once: the remaining steps never fire, the driver is closed', { timeout: 30_000 }, async () => {
  const net = fakeNetwork()
  net.on.partition = () => { net.labels[2] = 'fork' }
  const report = await run(net, {
    validators: 4,
    steps: [
      { at: 'height>=2', action: 'partition', groups: [[0, 1], [2, 3]] },
      { action: 'wait', for: 'height>=100000', timeout: '10m' },
      { action: 'heal' }
    ]
  })
  assert.equal(report.passed, false)
  assert.equal(report.failure?.name, 'SafetyViolation')
  assert.equal(report.failure?.code, 'CONFLICTING_FINALIZATION')
  assert.equal(report.checker.safe, false)
  assert.ok(report.checker.violation?.nodes.includes('node2'))
  assert.equal(report.steps[1]?.doneMs, null, 'the long wait was cut short')
  assert.equal(report.steps.length, 2, 'the heal never started')
  assert.deepEqual(net.calls, ['partition [[0,1],[2,3]]'])
  assert.equal(net.closed, 1)
  assert.deepEqual(report.expectations, [])
})

test('a condition that does not hold in time fails the run with STEP_TIMEOUT naming the step', async () => {
  const net = fakeNetwork()
  const report = await run(net, { validators: 2, steps: [{ action: 'wait', for: 'height>=100000', timeout: '200ms' }] })
  assert.equal(report.passed, false)
  assert.equal(report.failure?.code, 'STEP_TIMEOUT')
  assert.match(report.failure?.message ?? '', /^steps\.0\.for:/)
  assert.equal(net.closed, 1)
})

test('a node that dies on its own fails the run with NODE_FAILED', async () => {
  const net = fakeNetwork()
  net.on.kill = () => { net.options?.onNodeFailure?.(3, 'node3 exited on its own (code 1)') }
  const report = await run(net, {
    validators: 4,
    steps: [{ action: 'kill', node: 0 }, { action: 'wait', for: 'height>=100000', timeout: '10m' }]
  })
  assert.equal(report.failure?.code, 'NODE_FAILED')
  assert.match(report.failure?.message ?? '', /node3 exited/)
  assert.equal(net.closed, 1)
})

test('aborting the run (Ctrl-C) stops it and closes the driver', async () => {
  const net = fakeNetwork()
  const controller = new AbortController()
  const report = await run(net, { validators: 2, steps: [{ action: 'wait', for: 'height>=100000', timeout: '10m' }] }, {
    signal: controller.signal,
    onProgress: (line) => { if (line.includes('step 0')) controller.abort() }
  })
  assert.equal(report.failure?.code, 'ABORTED')
  assert.equal(net.closed, 1)
})

test('a sanction is waited for and expected through the nodes\' API', async () => {
  const net = fakeNetwork()
  net.on.kill = () => { for (const api of net.apis) api.sanctions.set('did:key:fake3', 1) }
  const report = await run(net, {
    validators: 4,
    steps: [{ at: 'height>=2', action: 'kill', node: 0 }, { action: 'wait', for: 'node3.sanctioned', timeout: '30s' }],
    expect: { sanctioned: [3, 2] }
  })
  assert.equal(report.failure, null)
  assert.equal(report.passed, false, 'node2 was never sanctioned')
  assert.deepEqual(report.expectations.filter((e) => e.name.startsWith('sanctioned')).map((e) => [e.name, e.ok]), [['sanctioned.node3', true], ['sanctioned.node2', false]])
})
