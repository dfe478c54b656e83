import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitFor } from '../helpers/wait.ts'
import { runCli, spawnCli, field, type RunningCli } from './helpers.ts'

const LOCAL = ['--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--log-level', 'warn']

async function tempDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-start-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** Waits until the node printed its API line; returns the printed fields. */
async function running (cli: RunningCli): Promise<{ api: string, did: string, peerId: string, networkId: string, listen: string }> {
  await waitFor(() => field(cli.stdout(), 'api') ?? (cli.child.exitCode !== null ? Promise.reject(new Error(`exited: ${cli.stderr()}`)) : undefined), { what: 'the node to print its API URL' })
  const out = cli.stdout()
  return { api: field(out, 'api') ?? '', did: field(out, 'did') ?? '', peerId: field(out, 'peer id') ?? '', networkId: field(out, 'network id') ?? '', listen: field(out, 'listen') ?? '' }
}

test('start prints PeerId, DID, network id, listen addresses and API URL; /status answers; SIGTERM exits 0', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'node')
  const init = await runCli(['init', '--home', home])
  assert.equal(init.code, 0, init.stderr)

  const cli = spawnCli(['start', '--home', home, ...LOCAL])
  t.after(() => { cli.child.kill('SIGKILL') })
  const info = await running(cli)
  assert.equal(info.did, field(init.stdout, 'did'))
  assert.equal(info.peerId, field(init.stdout, 'peer id'))
  assert.equal(info.networkId, field(init.stdout, 'network id'))
  assert.match(info.listen, new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${info.peerId}$`))
  assert.match(info.api, /^http:\/\/127\.0\.0\.1:\d+$/)

  const res = await fetch(`${info.api}/status`)
  assert.equal(res.status, 200)
  const status = await res.json() as { did: string, peerId: string, networkId: string, peers: number, listenAddrs: string[], uptimeMs: number, version: string }
  assert.equal(status.did, info.did)
  assert.equal(status.peerId, info.peerId)
  assert.equal(status.networkId, info.networkId)
  assert.equal(status.peers, 0)
  assert.deepEqual(status.listenAddrs, [info.listen])
  assert.equal(typeof status.uptimeMs, 'number')

  // a second node on the same home is refused: the database is held
  const second = await runCli(['start', '--home', home, ...LOCAL])
  assert.equal(second.code, 1)
  assert.match(second.stderr, /in use/)

  cli.child.kill('SIGTERM')
  const exit = await cli.exited
  assert.equal(exit.code, 0, exit.stderr)
  assert.match(exit.stdout, /icn node stopped/)
  assert.doesNotMatch(exit.stderr, /exit forced/, 'no handle outlived the shutdown')
  await assert.rejects(fetch(`${info.api}/status`))
})

test('start --init initialises a missing home in one command; the identity survives a restart', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'fresh')
  const first = spawnCli(['start', '--init', ...LOCAL], { env: { ICN_HOME: home } })
  t.after(() => { first.child.kill('SIGKILL') })
  const a = await running(first)
  assert.match(first.stdout(), /initialised/)
  first.child.kill('SIGINT')
  assert.equal((await first.exited).code, 0)

  const second = spawnCli(['start', '--home', home, '--init', ...LOCAL])
  t.after(() => { second.child.kill('SIGKILL') })
  const b = await running(second)
  assert.doesNotMatch(second.stdout(), /initialised/, '--init leaves an initialised home alone')
  assert.equal(b.peerId, a.peerId)
  assert.equal(b.did, a.did)
  second.child.kill('SIGTERM')
  const exit = await second.exited
  assert.equal(exit.code, 0, exit.stderr)
})
