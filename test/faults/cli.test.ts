/**
 * `icn faults`: a scenario that passes exits 0 with its report (text or JSON); a bad manifest, a
 * driver that cannot run it, or a directory in use exit 2 naming the field or the reason; a scenario
 * that fails exits 1.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../cli/helpers.ts'

async function manifestFile (t: { after: (fn: () => Promise<void>) => void }, manifest: unknown): Promise<{ dir: string, file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-faults-cli-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const file = join(dir, 'scenario.json')
  await writeFile(file, JSON.stringify(manifest))
  return { dir, file }
}

test('a passing scenario exits 0 and prints its report as JSON', { timeout: 60_000 }, async (t) => {
  const { file } = await manifestFile(t, { validators: 1, steps: [{ action: 'wait', for: 'height>=2', timeout: '30s' }], expect: { minHeight: 2 } })
  const result = await runCli(['faults', 'run', file, '--json', '--quiet'])
  assert.equal(result.code, 0, result.stderr)
  const report = JSON.parse(result.stdout) as { name: string, passed: boolean, driver: string, checker: { safe: boolean, head: number } }
  assert.equal(report.name, 'scenario')
  assert.equal(report.passed, true)
  assert.equal(report.driver, 'inprocess')
  assert.equal(report.checker.safe, true)
  assert.ok(report.checker.head >= 2)
  assert.equal(result.stderr, '', '--quiet prints no progress')
})

test('a scenario that fails exits 1 with the reason', { timeout: 60_000 }, async (t) => {
  const { file } = await manifestFile(t, { validators: 1, steps: [{ action: 'wait', for: 'height>=100000', timeout: '1s' }] })
  const result = await runCli(['faults', 'run', file])
  assert.equal(result.code, 1)
  assert.match(result.stdout, /FAILED/)
  assert.match(result.stderr, /steps\.0\.for/)
})

test('a bad manifest, an unsupported driver and a used --dir exit 2, naming what is wrong', async (t) => {
  const bad = await manifestFile(t, { validators: 4, steps: [{ action: 'partition', groups: [[0, 1], [1, 2]] }] })
  const badRun = await runCli(['faults', 'run', bad.file])
  assert.equal(badRun.code, 2)
  assert.match(badRun.stderr, /steps\.0\.groups\.1\.0: node 1 is in two groups/)

  const equivocation = new URL('../../scripts/faults/equivocation.json', import.meta.url).pathname
  const netns = await runCli(['faults', 'run', equivocation, '--driver', 'netns'])
  assert.equal(netns.code, 2)
  assert.match(netns.stderr, /equivocators/)

  const ok = await manifestFile(t, { validators: 1, steps: [{ action: 'wait', for: 'height>=1' }] })
  const dirInUse = await runCli(['faults', 'run', ok.file, '--dir', ok.dir])
  assert.equal(dirInUse.code, 2)
  assert.match(dirInUse.stderr, /dir: .* is not empty/)

  const driver = await runCli(['faults', 'run', ok.file, '--driver', 'docker'])
  assert.equal(driver.code, 2)
})
