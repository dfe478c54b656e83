/**
 * End to end, in-process: the example manifests run against real nodes (LevelDB, libp2p over TCP,
 * the HTTP API) in this process, with the checker reading every node's API throughout. The 2/2 split
 * halts and heals on one chain; the equivocating validator is sanctioned while nobody disagrees.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { formatScenarioReport, readManifestFile, runScenario, type ScenarioReport } from '../../src/faults/index.ts'

const EXAMPLES = new URL('../../scripts/faults/', import.meta.url).pathname

async function runExample (t: { after: (fn: () => void) => void }, name: string): Promise<ScenarioReport> {
  const manifest = await readManifestFile(join(EXAMPLES, `${name}.json`))
  const controller = new AbortController()
  // a test that times out still stops its nodes
  t.after(() => { controller.abort() })
  const report = await runScenario(manifest, { driver: 'inprocess', signal: controller.signal })
  assert.equal(report.passed, true, formatScenarioReport(report))
  assert.equal(report.cleanup.ok, true)
  assert.ok(report.steps.every((s) => s.doneMs !== null), 'every step completed')
  return report
}

/**
 * The checker ran throughout: every node was read again and again up to the last step, and every
 * height from genesis to the head was compared across nodes.
 */
function assertWatchedThroughout (report: ScenarioReport, nodes: number): void {
  const { checker } = report
  assert.equal(checker.safe, true)
  assert.equal(checker.nodes.length, nodes)
  const lastStep = report.steps.at(-1)?.firedMs ?? 0
  for (const n of checker.nodes) {
    assert.ok(n.polls >= 5, `${n.name} was read ${n.polls} times`)
    assert.ok((n.lastSeenMs ?? -1) >= lastStep, `${n.name} was still read after the last step began (${n.lastSeenMs} ≥ ${lastStep})`)
  }
  assert.ok(checker.head >= 4, `the run finalized a few blocks (head ${checker.head})`)
  assert.equal(checker.heightsChecked, checker.head + 1, 'every height from genesis to the head was compared')
  assert.ok(checker.blocksRead >= checker.head, 'blocks were read, not only statuses')
}

test('2/2 partition and heal: finality halts during the split and resumes on one chain after the heal', { timeout: 120_000 }, async (t) => {
  const report = await runExample(t, 'partition-2-2')
  assertWatchedThroughout(report, 4)
  const [split, heal] = report.steps
  const healEvent = report.checker.events.find((e) => e.kind === 'heal')
  assert.ok(healEvent !== undefined && healEvent.recoveryMs !== null, 'a block was finalized after the heal')
  // nothing was finalized between the split and the heal: both halves lack 2/3 of the power
  assert.ok(split?.head !== null && heal?.head !== null && healEvent.headAtEvent <= (split?.head ?? 0) + 1,
    `the head stood still during the split (split at ${split?.head}, heal at ${healEvent.headAtEvent})`)
  assert.ok(report.checker.head >= healEvent.headAtEvent + 3)
})

test('an equivocating validator is sanctioned on chain while the checker sees no disagreement', { timeout: 120_000 }, async (t) => {
  const report = await runExample(t, 'equivocation')
  assertWatchedThroughout(report, 4)
  assert.deepEqual(report.expectations.find((e) => e.name === 'sanctioned.node3')?.ok, true)
})
