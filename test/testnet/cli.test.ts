import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main, type CliIo } from '../../src/cli/index.ts'
import { leasePortBlock, prepareTestnet } from '../../src/testnet/index.ts'

async function tempDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-testnet-cli-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

async function run (args: string[], cwd: string): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = { stdout: { write: (s: string) => { stdout += s } }, stderr: { write: (s: string) => { stderr += s } }, env: {}, cwd }
  const code = await main(['testnet', ...args], io)
  return { code, stdout, stderr }
}

test('flag errors exit 2 and name the flag; nothing is written', async (t) => {
  const cwd = await tempDir(t)
  const cases: Array<[string[], RegExp]> = [
    [['--validators', '0'], /--validators/],
    [['--validators', 'four'], /--validators/],
    [['--validators', '65'], /--validators/],
    [['--members', '-1'], /--members/],
    [['--base-port', '70000'], /--base-port/],
    [['--base-port', '0'], /--base-port/],
    [['--base-port', '65534', '--validators', '4'], /--base-port 65534/],
    [['--api-base-port', 'http'], /--api-base-port/],
    [['--base-port', '4001', '--api-base-port', '4003'], /--api-base-port 4003.*overlap/],
    [['--genesis-time', '1.5'], /--genesis-time/],
    [['--log-level', 'loud'], /--log-level/],
    [['--no-such-flag'], /--no-such-flag/]
  ]
  for (const [args, message] of cases) {
    const result = await run(args, cwd)
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`)
    assert.match(result.stderr, message, args.join(' '))
  }
  assert.deepEqual(await readdir(cwd), [], 'no testnet directory was created')
})

test('a directory that is not a testnet, or holds another layout, exits 2 before any node starts', async (t) => {
  const cwd = await tempDir(t)
  await writeFile(join(cwd, 'notes.txt'), 'mine')
  const foreign = await run(['--dir', '.', '--validators', '3'], cwd)
  assert.equal(foreign.code, 2, foreign.stderr)
  assert.match(foreign.stderr, /not empty and holds no testnet/)

  const dir = join(cwd, 'net')
  await prepareTestnet({ dir, validators: 4 })
  const other = await run(['--dir', dir, '--validators', '3'], cwd)
  assert.equal(other.code, 2, other.stderr)
  assert.match(other.stderr, /4 validators, not 3.*--fresh/)
})

test('a port already in use exits 1 naming the port and the flags to change', async (t) => {
  const cwd = await tempDir(t)
  const lease = await leasePortBlock()
  t.after(lease.release)
  const server = createServer()
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: lease.base + 1 }, resolve))
  t.after(() => { server.close() })
  const result = await run(['--dir', 'net', '--validators', '3', '--base-port', String(lease.base), '--api-base-port', String(lease.base + 32)], cwd)
  assert.equal(result.code, 1, result.stderr)
  assert.match(result.stderr, new RegExp(`port ${lease.base + 1} already in use.*--base-port`))
})

test('fewer than 4 validators is allowed with a warning about fault tolerance', async (t) => {
  const cwd = await tempDir(t)
  // --validators 2 on a foreign directory: the warning comes before the directory is refused
  await writeFile(join(cwd, 'x'), '')
  const result = await run(['--validators', '2', '--dir', '.'], cwd)
  assert.match(result.stderr, /warning: 2 validators tolerate no stopped or faulty validator/)
  assert.match(result.stderr, /minValidators is lowered to 2/)
})

test('--help documents the port layout', async (t) => {
  const result = await run(['--help'], await tempDir(t))
  assert.equal(result.code, 0)
  assert.match(result.stdout, /--validators <n>/)
  assert.match(result.stdout, /<base-port \+ i>/)
  assert.match(result.stdout, /default: 4/)
})
