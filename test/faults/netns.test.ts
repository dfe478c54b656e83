/**
 * The netns driver over real network namespaces: a process per node, each with its own address on a
 * private bridge; SIGKILL and restart, then a 2/2 split made of missing routes and its heal, checked
 * by the checker from the root namespace. Also: a failing run still removes every namespace, and the
 * leftovers of a run that died are removed by prefix. Needs Linux, root and iproute2; otherwise each
 * test is skipped with the reason.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  cleanupLeftovers, formatScenarioReport, netnsAvailability, parseManifest, readManifestFile, runScenario, type ScenarioManifest, type ScenarioReport
} from '../../src/faults/index.ts'
import { claimSlot, releaseSlot, bridgeNs, nodeNs, rootLink, slotOf, STATE_DIR } from '../../src/faults/netns/index.ts'

const EXAMPLES = new URL('../../scripts/faults/', import.meta.url).pathname

function ourNamespaces (): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? ''
  return out.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((n) => slotOf(n) !== undefined)
}

function linkExists (name: string): boolean {
  return spawnSync('ip', ['link', 'show', name], { stdio: 'ignore' }).status === 0
}

async function skipUnlessAvailable (t: { skip: (reason: string) => void }): Promise<boolean> {
  const available = await netnsAvailability()
  if (!available.ok) t.skip(available.reason)
  return available.ok
}

/** Runs the manifest over netns; aborting on test teardown, so nodes and namespaces go even on a timeout. */
async function runNetns (t: { after: (fn: () => Promise<void>) => void }, manifest: ScenarioManifest): Promise<ScenarioReport> {
  const before = new Set(ourNamespaces())
  const controller = new AbortController()
  let running: Promise<ScenarioReport> | undefined
  t.after(async () => {
    controller.abort()
    await running?.catch(() => {})
    // whatever this run made is gone, whether it passed, failed or was cut short
    const left = ourNamespaces().filter((n) => !before.has(n))
    assert.deepEqual(left, [], 'no namespace of this run is left')
  })
  running = runScenario(manifest, { driver: 'netns', signal: controller.signal })
  return running
}

test('netns: SIGKILL and restart, then a 2/2 split and heal, over real namespaces', { timeout: 150_000 }, async (t) => {
  if (!await skipUnlessAvailable(t)) return
  const report = await runNetns(t, await readManifestFile(join(EXAMPLES, 'kill-and-partition.json')))
  assert.equal(report.passed, true, formatScenarioReport(report))
  assert.equal(report.driver, 'netns')
  const { checker } = report
  assert.equal(checker.safe, true)
  for (const n of checker.nodes) assert.ok(n.polls >= 10, `${n.name} was read ${n.polls} times`)
  assert.equal(checker.heightsChecked, checker.head + 1)
  const killed = checker.nodes.find((n) => n.name === 'node3')
  assert.ok(killed !== undefined && killed.down + killed.unreachable > 0, 'the checker saw node3 gone while it was killed')
  const kinds = checker.events.map((e) => e.kind)
  assert.deepEqual(kinds, ['kill', 'restart', 'partition', 'heal'])
  assert.ok(checker.events.every((e) => e.kind === 'kill' || e.kind === 'partition' || e.recoveryMs !== null), 'each recovery was followed by a block')
})

test('netns: a run that fails still stops every node and removes its namespaces', { timeout: 120_000 }, async (t) => {
  if (!await skipUnlessAvailable(t)) return
  const manifest = parseManifest({ validators: 4, steps: [{ action: 'partition', groups: [[0, 1], [2, 3]] }, { action: 'wait', for: 'height>=100000', timeout: '2s' }] }, { name: 'doomed' })
  const report = await runNetns(t, manifest)
  assert.equal(report.passed, false)
  assert.equal(report.failure?.code, 'STEP_TIMEOUT')
  assert.equal(report.cleanup.ok, true)
})

test('netns: leftovers of a run whose owner died are removed by prefix; a live run\'s are not', { timeout: 60_000 }, async (t) => {
  if (!await skipUnlessAvailable(t)) return
  // a slot owned by a process that has exited, with a namespace, a root link and a temporary directory
  const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid
  assert.ok(dead !== undefined)
  const stale = await claimSlot()
  const live = await claimSlot()
  t.after(async () => {
    spawnSync('ip', ['netns', 'del', bridgeNs(live)], { stdio: 'ignore' })
    spawnSync('ip', ['netns', 'del', nodeNs(stale, 0)], { stdio: 'ignore' })
    spawnSync('ip', ['link', 'del', rootLink(stale)], { stdio: 'ignore' })
    await releaseSlot(live)
    await releaseSlot(stale)
  })
  const staleDir = await mkdtemp(join(tmpdir(), 'icn-faults-'))
  await writeFile(join(STATE_DIR, `icnf${stale}.pid`), `${dead}\n${staleDir}\n`)
  execFileSync('ip', ['netns', 'add', nodeNs(stale, 0)])
  execFileSync('ip', ['link', 'add', rootLink(stale), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', nodeNs(stale, 0)])
  execFileSync('ip', ['netns', 'add', bridgeNs(live)])

  const removed = await cleanupLeftovers()
  assert.ok(removed.includes(stale))
  assert.ok(!removed.includes(live), 'a slot whose owner lives is kept')
  assert.ok(!ourNamespaces().includes(nodeNs(stale, 0)))
  assert.ok(!linkExists(rootLink(stale)))
  assert.equal(existsSync(staleDir), false, 'with the dead run\'s temporary directory')
  assert.ok(ourNamespaces().includes(bridgeNs(live)))
})
