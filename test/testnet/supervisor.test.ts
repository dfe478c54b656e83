/** Supervisor failure paths: a node that never answers, a port answered by someone else, bad calls. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSupervisor, leasePortBlock, prepareTestnet, TestnetError, type PreparedTestnet } from '../../src/testnet/index.ts'

async function oneNode (t: { after: (fn: () => Promise<void>) => void }): Promise<PreparedTestnet> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-testnet-supervisor-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const lease = await leasePortBlock()
  t.after(lease.release)
  return prepareTestnet({ dir: join(dir, 'net'), validators: 1, members: 0, basePort: lease.base, apiBasePort: lease.base + 32 })
}

test('a node that never answers fails its start after the deadline and is left stopped', async (t) => {
  const testnet = await oneNode(t)
  const unexpected: string[] = []
  const supervisor = createSupervisor({ testnet, readyTimeoutMs: 1500, stopTimeoutMs: 5000, onUnexpectedExit: (n) => { unexpected.push(n.name) } })
  t.after(async () => { await supervisor.stopAll() })
  const starting = supervisor.start(0)
  // frozen before it could load: it cannot answer, whatever the machine's speed
  supervisor.pause(0)
  assert.equal(supervisor.state(0), 'paused')
  assert.throws(() => { supervisor.pause(0) }, (e: unknown) => e instanceof TestnetError && e.code === 'BAD_STATE')
  await assert.rejects(starting, (e: unknown) => e instanceof TestnetError && e.code === 'NODE_FAILED' && /node0 did not answer GET \/status within 1500 ms/.test(e.message))
  assert.equal(supervisor.state(0), 'stopped')
  assert.equal(supervisor.pid(0), undefined)
  assert.deepEqual(unexpected, [], 'stopping a node that failed to start is not an unexpected exit')
  assert.match(await readFile(testnet.nodes[0]?.logFile ?? '', 'utf8'), /node0 exited \((signal SIGTERM|code 0)\)/)
  assert.throws(() => { supervisor.resume(0) }, (e: unknown) => e instanceof TestnetError && e.code === 'BAD_STATE')
  await assert.rejects(supervisor.status(7), (e: unknown) => e instanceof TestnetError && e.code === 'NO_SUCH_NODE')
})

test('an API port answered by another node fails the start instead of adopting a stranger', async (t) => {
  const testnet = await oneNode(t)
  const node = testnet.nodes[0]
  assert.ok(node !== undefined)
  const server = createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ peerId: '12D3KooWSomeoneElse' })) })
  await new Promise<void>((resolve) => server.listen(node.apiPort, '127.0.0.1', resolve))
  t.after(() => { server.close() })
  const supervisor = createSupervisor({ testnet })
  t.after(async () => { await supervisor.stopAll() })
  await assert.rejects(supervisor.startAll(), (e: unknown) => e instanceof TestnetError && e.code === 'PORT_IN_USE' && e.message.includes('12D3KooWSomeoneElse'))
  assert.equal(supervisor.state(0), 'stopped')
})
