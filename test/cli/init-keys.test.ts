import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, field, BIN, type CliResult } from './helpers.ts'
import { main } from '../../src/cli/main.ts'

async function tempDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-cli-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

const NO_STACK = /^\s+at /m

test('init creates a home with a 0600 key, the genesis and a config; refuses to overwrite the key', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'node')
  const first = await runCli(['init', '--home', home])
  assert.equal(first.code, 0, first.stderr)
  const did = field(first.stdout, 'did')
  const peerId = field(first.stdout, 'peer id')
  assert.match(did ?? '', /^did:key:z6Mk/)
  assert.match(peerId ?? '', /^12D3KooW/)
  assert.ok(field(first.stdout, 'network id'))
  assert.equal((await stat(join(home, 'node.key'))).mode & 0o777, 0o600)
  assert.deepEqual(await readFile(join(home, 'genesis.json')), await readFile(new URL('../../config/genesis.json', import.meta.url)))
  JSON.parse(await readFile(join(home, 'config.json'), 'utf8'))

  const again = await runCli(['init', '--home', home])
  assert.equal(again.code, 2)
  assert.match(again.stderr, /--force/)
  assert.doesNotMatch(again.stderr, NO_STACK)
  const show = await runCli(['keys', 'show', '--home', home])
  assert.equal(field(show.stdout, 'did'), did, 'the refused init left the key alone')

  const forced = await runCli(['init', '--home', home, '--force'])
  assert.equal(forced.code, 0, forced.stderr)
  assert.notEqual(field(forced.stdout, 'did'), did)
})

test('init with a genesis that does not parse exits 2 naming the file', async (t) => {
  const dir = await tempDir(t)
  await writeFile(join(dir, 'bad.json'), '{"not": "a genesis"}')
  const res = await runCli(['init', '--home', join(dir, 'h'), '--genesis', join(dir, 'bad.json')])
  assert.equal(res.code, 2)
  assert.match(res.stderr, /bad\.json/)
  assert.doesNotMatch(res.stderr, NO_STACK)
  const missing = await runCli(['init', '--home', join(dir, 'h'), '--genesis', join(dir, 'absent.json')])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /absent\.json/)
})

test('keys show prints the same identity on every call (ICN_HOME works too)', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'node')
  const init = await runCli(['init', '--home', home])
  const a = await runCli(['keys', 'show', '--home', home])
  const b = await runCli(['keys', 'show', '--json'], { env: { ICN_HOME: home } })
  assert.equal(a.code, 0, a.stderr)
  assert.equal(b.code, 0, b.stderr)
  const json = JSON.parse(b.stdout) as { did: string, peerId: string, publicKey: string }
  assert.equal(field(a.stdout, 'did'), field(init.stdout, 'did'))
  assert.equal(json.did, field(a.stdout, 'did'))
  assert.equal(json.peerId, field(a.stdout, 'peer id'))
  assert.match(json.publicKey, /^[0-9a-f]{64}$/)

  const none = await runCli(['keys', 'show', '--home', join(dir, 'nowhere')])
  assert.equal(none.code, 2)
  assert.match(none.stderr, /icn init/)
})

test('keys generate writes a 0600 member key and refuses to overwrite it', async (t) => {
  const dir = await tempDir(t)
  const out = join(dir, 'alice.key')
  const res = await runCli(['keys', 'generate', '--out', out, '--json'])
  assert.equal(res.code, 0, res.stderr)
  const info = JSON.parse(res.stdout) as { did: string, file: string }
  assert.equal(info.file, out)
  assert.equal((await stat(out)).mode & 0o777, 0o600)
  assert.equal(JSON.parse(await readFile(out, 'utf8')).did, info.did)
  const again = await runCli(['keys', 'generate', '--out', out])
  assert.equal(again.code, 2)
  assert.match(again.stderr, /--force/)
  const missing = await runCli(['keys', 'generate'])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /--out/)
})

/** Runs `main` in this process with captured output (no child process: fast, for parsing paths). */
async function inProcess (args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const code = await main(args, { stdout: { write: (s: string) => { stdout += s } }, stderr: { write: (s: string) => { stderr += s } }, env, cwd: process.cwd() })
  return { code, signal: null, stdout, stderr }
}

test('a bad flag exits the process with 2, naming the flag', async () => {
  const unknown = await runCli(['start', '--bogus'])
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /--bogus/)
  assert.doesNotMatch(unknown.stderr, NO_STACK)
})

test('usage and configuration errors exit 2 naming the flag or key, without a stack trace', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'node')
  const badApi = await inProcess(['start', '--home', home, '--api', 'localhost'])
  assert.equal(badApi.code, 2)
  assert.match(badApi.stderr, /api \(flag --api\)/)
  assert.doesNotMatch(badApi.stderr, NO_STACK)
  const badEnv = await inProcess(['start', '--home', home], { ICN_MAX_CONNECTIONS: 'lots' })
  assert.equal(badEnv.code, 2)
  assert.match(badEnv.stderr, /network\.maxConnections \(environment variable ICN_MAX_CONNECTIONS\)/)
  const missingValue = await inProcess(['start', '--home', home, '--listen'])
  assert.equal(missingValue.code, 2)
  assert.match(missingValue.stderr, /--listen/)
  const noCommand = await inProcess(['frobnicate'])
  assert.equal(noCommand.code, 2)
  assert.match(noCommand.stderr, /frobnicate/)
  const args = ['start', '--home', home, '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0']
  const notInitialised = await inProcess(args)
  assert.equal(notInitialised.code, 2)
  assert.match(notInitialised.stderr, /icn init/)
  assert.doesNotMatch(notInitialised.stderr, NO_STACK)
  const debug = await inProcess(args, { ICN_DEBUG: '1' })
  assert.equal(debug.code, 2)
  assert.match(debug.stderr, NO_STACK, 'ICN_DEBUG=1 prints the stack')
})

test('every command has --help (exit 0)', async () => {
  for (const args of [['--help'], ['init', '--help'], ['start', '--help'], ['keys', '--help'], ['keys', 'show', '--help'], ['keys', 'generate', '--help']]) {
    const res = await inProcess(args)
    assert.equal(res.code, 0, `${args.join(' ')}: ${res.stderr}`)
    assert.match(res.stdout, /Usage: icn/)
  }
  const start = await inProcess(['start', '--help'])
  for (const flag of ['--listen', '--api', '--bootstrap', '--genesis', '--config', '--log-level', '--init']) assert.match(start.stdout, new RegExp(flag))
})

test('the bin shim runs the CLI', async () => {
  const version = await runCli(['--version'], { entry: BIN })
  assert.equal(version.code, 0, version.stderr)
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/)
})
