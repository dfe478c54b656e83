/**
 * `icn testnet` as a user runs it: a real child process that starts three node processes, prints
 * where they answer, and on SIGINT stops them all and exits 0 with no process left behind.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { missingNodeFlags } from '../../src/runtime/index.ts'
import { fetchStatus, leasePortBlock } from '../../src/testnet/index.ts'
import { waitFor } from '../helpers/wait.ts'
import { BIN, spawnCli, field, type RunningCli } from '../cli/helpers.ts'

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** A running process's arguments and environment, from Linux's /proc; undefined elsewhere. */
async function processOf (pid: number): Promise<{ argv: string[], env: Record<string, string> } | undefined> {
  if (!existsSync('/proc/self/cmdline')) return undefined
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '')
  const env: Record<string, string> = {}
  for (const entry of (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0')) {
    const eq = entry.indexOf('=')
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return { argv, env }
}

/** The runtime flags (src/runtime) in effect neither on the process's command line nor in its NODE_OPTIONS. */
function flagsMissing (p: { argv: string[], env: Record<string, string> }): string[] {
  return missingNodeFlags(p.argv.slice(1), p.env.NODE_OPTIONS)
}

/** The node pids the supervisor wrote into each node.log ("--- icn testnet: node0 started (pid 123) …"). */
async function nodePids (dir: string, count: number): Promise<number[]> {
  const pids: number[] = []
  for (let i = 0; i < count; i++) {
    const log = await readFile(join(dir, `node${i}`, 'node.log'), 'utf8')
    const match = /started \(pid (\d+)\)/.exec(log)
    assert.ok(match !== null, `node${i}.log names its pid`)
    pids.push(Number(match[1]))
  }
  return pids
}

/** Waits until the CLI printed "testnet running"; fails at once if it exited. */
async function running (cli: RunningCli): Promise<string> {
  await waitFor(() => {
    if (cli.child.exitCode !== null) throw new Error(`icn testnet exited ${cli.child.exitCode}: ${cli.stderr()}`)
    return cli.stdout().includes('testnet running')
  }, { timeout: 60_000, what: 'icn testnet to report every node running' })
  return cli.stdout()
}

function networkOf (out: string): string {
  const id = /\((bafy\w+)\)/.exec(field(out, 'network') ?? '')?.[1]
  assert.ok(id !== undefined, out)
  return id
}

test('icn testnet --validators 3 (the bin): every node answers on the printed URL in one network, all run with the runtime flags; SIGINT stops them all, exit 0', async (t) => {
  const tmp = await mkdtemp(join(tmpdir(), 'icn-testnet-process-'))
  t.after(async () => { await rm(tmp, { recursive: true, force: true }) })
  const lease = await leasePortBlock()
  t.after(lease.release)
  const dir = join(tmp, 'net')
  // through bin/icn.js, as `icn testnet` runs: it re-executes itself (same pid) with the runtime flags
  const cli = spawnCli(['testnet', '--validators', '3', '--dir', dir, '--base-port', String(lease.base), '--api-base-port', String(lease.base + 32)], { entry: BIN })
  let pids: number[] = []
  t.after(() => {
    cli.child.kill('SIGKILL')
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL')
  })

  const out = await running(cli)
  const urls = [...out.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => m[0])
  assert.deepEqual([...new Set(urls)], [0, 1, 2].map((i) => `http://127.0.0.1:${lease.base + 32 + i}`), 'one API URL per node, in order')
  const networkId = networkOf(out)
  assert.match(field(out, 'bootstrap') ?? '', new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/${lease.base}/p2p/12D3KooW\\w+$`))
  pids = await nodePids(dir, 3)
  for (const pid of pids) assert.ok(alive(pid))
  const supervisor = await processOf(cli.child.pid ?? 0)
  if (supervisor === undefined) t.diagnostic('no /proc: the runtime flags of the processes are not checked')
  else {
    assert.deepEqual(flagsMissing(supervisor), [], `supervisor: ${supervisor.argv.join(' ')}`)
    for (const pid of pids) {
      const node = await processOf(pid)
      assert.ok(node !== undefined)
      assert.deepEqual(flagsMissing(node), [], `node ${pid}: ${node.argv.join(' ')}`)
      assert.ok(node.env.MALLOC_ARENA_MAX !== undefined && node.env.NODE_COMPILE_CACHE !== undefined, `node ${pid}: runtime environment`)
    }
  }

  const statuses = await Promise.all(urls.map(async (url) => waitFor(async () => {
    const s = await fetchStatus(url)
    return s.verifiedPeers >= 2 ? s : undefined
  }, { timeout: 30_000, what: `${url} to verify both other nodes` })))
  for (const s of statuses) assert.equal(s.networkId, networkId, 'every node runs the printed network')
  assert.equal(new Set(statuses.map((s) => s.peerId)).size, 3)

  cli.child.kill('SIGINT')
  const exit = await cli.exited
  assert.equal(exit.code, 0, exit.stderr)
  assert.match(exit.stdout, /stopping 3 nodes/)
  assert.match(exit.stdout, /testnet stopped\n$/)
  assert.doesNotMatch(exit.stderr, /exit forced/, 'nothing kept the supervisor alive after the nodes stopped')
  for (const pid of pids) assert.equal(alive(pid), false, `node process ${pid} is gone`)
  for (let i = 0; i < 3; i++) {
    const log = await readFile(join(dir, `node${i}`, 'node.log'), 'utf8')
    assert.match(log, /icn node stopped/, `node${i} shut down cleanly`)
    assert.match(log, /node\d exited \(code 0\)/)
  }
  await Promise.all(urls.map(async (url) => assert.rejects(fetchStatus(url))))
})

test('--exit-on-failure: a node that dies stops the testnet with exit 1 and its log tail; a re-run restarts the same chain', async (t) => {
  const tmp = await mkdtemp(join(tmpdir(), 'icn-testnet-process-'))
  t.after(async () => { await rm(tmp, { recursive: true, force: true }) })
  const lease = await leasePortBlock()
  t.after(lease.release)
  const dir = join(tmp, 'net')
  const args = ['testnet', '--validators', '2', '--members', '1', '--dir', dir, '--base-port', String(lease.base), '--api-base-port', String(lease.base + 32)]
  const pids: number[] = []
  const first = spawnCli([...args, '--exit-on-failure'])
  t.after(() => {
    first.child.kill('SIGKILL')
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL')
  })
  const networkId = networkOf(await running(first))
  assert.match(first.stderr(), /warning: 2 validators/)
  pids.push(...await nodePids(dir, 2))
  const [pid0, pid1] = pids as [number, number]

  process.kill(pid1, 'SIGKILL')
  const exit = await first.exited
  assert.equal(exit.code, 1, exit.stderr)
  assert.match(exit.stderr, /node1 exited unexpectedly \(signal SIGKILL\)\n {2}last lines of .*node1[/\\]node\.log:\n {4}/)
  assert.match(exit.stderr, /--exit-on-failure stops the testnet/)
  assert.equal(alive(pid0), false, 'the surviving node was stopped too')
  assert.match(await readFile(join(dir, 'node0', 'node.log'), 'utf8'), /icn node stopped/)

  // the same directory again: the same network (genesis, keys, databases) comes back
  const second = spawnCli(args)
  t.after(() => { second.child.kill('SIGKILL') })
  const out = await running(second)
  assert.match(field(out, 'directory') ?? '', /existing testnet/)
  assert.equal(networkOf(out), networkId)
  const status = await waitFor(async () => {
    const s = await fetchStatus(`http://127.0.0.1:${lease.base + 33}`)
    return s.verifiedPeers >= 1 ? s : undefined
  }, { timeout: 30_000, what: 'node1 to reconnect to node0' })
  assert.equal(status.networkId, networkId)
  second.child.kill('SIGTERM')
  const stopped = await second.exited
  assert.equal(stopped.code, 0, stopped.stderr)
  assert.match(stopped.stdout, /node1: stopped \(code 0\)/)
})
