import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { waitFor } from '../helpers/wait.ts'
import { resolveConfig, type NodeConfig } from '../../src/config/index.ts'
import { createNode, initHome, NodeError, PACKAGE_GENESIS, type Node } from '../../src/node/index.ts'
import { IdentityError } from '../../src/identity/index.ts'
import { StoreError } from '../../src/storage/index.ts'
import { silentLogger } from '../../src/log/index.ts'
import { otherGenesisJson } from './genesis-fixture.ts'

async function tempDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-node-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

async function localConfig (home: string, extra: Record<string, unknown> = {}): Promise<NodeConfig> {
  const { config } = await resolveConfig({ env: {}, defaultHome: home, overrides: { listen: ['/ip4/127.0.0.1/tcp/0'], api: '127.0.0.1:0', ...extra } })
  return config
}

/** Creates and starts a node on a fresh home; stops it when the test ends. */
async function startedNode (t: { after: (fn: () => Promise<void>) => void }, home: string, extra: Record<string, unknown> = {}): Promise<Node> {
  const node = await createNode(await localConfig(home, extra), { logger: silentLogger(), metrics: { defaultMetrics: false } })
  t.after(async () => { await node.stop() })
  await node.start()
  return node
}

test('a node starts, serves its status over HTTP and stops cleanly; its identity survives a restart', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'a')
  const init = await initHome({ home })
  const node = await createNode(await localConfig(home), { logger: silentLogger() })
  assert.equal(node.state, 'created')
  assert.deepEqual(node.status().listenAddrs, [], 'no addresses before start')
  await node.start()
  assert.equal(node.state, 'running')
  assert.equal(node.did, init.keyPair.did)
  assert.equal(node.networkId.toString(), init.networkId.toString())

  const api = node.api?.url
  assert.ok(api !== undefined)
  const status = await (await fetch(`${api}/status`)).json() as Record<string, unknown>
  assert.equal(status.did, node.did)
  assert.equal(status.peerId, node.peerId.toString())
  assert.equal(status.networkId, node.networkId.toString())
  assert.equal(status.peers, 0)
  assert.equal(status.api, api)
  assert.deepEqual(status.listenAddrs, node.host.multiaddrs())
  assert.match(String((status.listenAddrs as string[])[0]), /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW/)
  assert.deepEqual(await (await fetch(`${api}/peers`)).json(), { peers: [] })
  const metrics = await (await fetch(`${api}/metrics`)).text()
  assert.match(metrics, /^icn_peers\{state="verified"\} 0$/m)
  assert.match(metrics, /^process_cpu_user_seconds_total /m, 'default process metrics are on')

  await node.stop()
  await node.stop()
  assert.equal(node.state, 'stopped')
  assert.equal(node.store.closed, true)
  await assert.rejects(fetch(`${api}/status`))
  await assert.rejects(node.start(), (e: unknown) => e instanceof NodeError && e.code === 'BAD_STATE')

  const again = await startedNode(t, home)
  assert.equal(again.peerId.toString(), node.peerId.toString())
  assert.equal(again.did, node.did)
})

test('two nodes of the same network connect through a bootstrap address and list each other', async (t) => {
  const dir = await tempDir(t)
  await initHome({ home: join(dir, 'a') })
  await initHome({ home: join(dir, 'b') })
  const a = await startedNode(t, join(dir, 'a'))
  const b = await startedNode(t, join(dir, 'b'), { bootstrap: [a.host.multiaddrs()[0]] })
  const seen = await waitFor(() => a.peers().find((p) => p.verified && p.did === b.did), { what: 'a to verify b' })
  assert.equal(seen.peerId, b.peerId.toString())
  await waitFor(() => b.status().verifiedPeers === 1, { what: 'b to verify a' })
  const listed = await (await fetch(`${a.api?.url ?? ''}/peers`)).json() as { peers: Array<{ did: string | null }> }
  assert.deepEqual(listed.peers.map((p) => p.did), [b.did])
  assert.equal((await (await fetch(`${b.api?.url ?? ''}/status`)).json() as { verifiedPeers: number }).verifiedPeers, 1)
})

test('the database is bound to its network: another genesis is refused', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'a')
  await initHome({ home })
  const node = await startedNode(t, home)
  await node.stop()
  const other = join(dir, 'other-genesis.json')
  await writeFile(other, otherGenesisJson(await readFile(PACKAGE_GENESIS, 'utf8')))
  await assert.rejects(createNode(await localConfig(home, { genesis: other }), { logger: silentLogger() }),
    (e: unknown) => e instanceof NodeError && e.code === 'NETWORK_MISMATCH')
  // the refused start closed the database again: the right genesis still starts
  await startedNode(t, home)
})

test('a missing key or genesis fails createNode with a named error and leaves nothing open', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'a')
  await assert.rejects(createNode(await localConfig(home), { logger: silentLogger() }), (e: unknown) => e instanceof IdentityError && e.code === 'KEY_FILE')
  await initHome({ home })
  await assert.rejects(createNode(await localConfig(home, { genesis: join(dir, 'none.json') }), { logger: silentLogger() }),
    (e: unknown) => e instanceof NodeError && e.code === 'GENESIS_FILE' && e.message.includes('none.json'))
  await writeFile(join(dir, 'bad.json'), '{"shards": "many"}')
  await assert.rejects(createNode(await localConfig(home, { genesis: join(dir, 'bad.json') }), { logger: silentLogger() }),
    (e: unknown) => e instanceof NodeError && e.code === 'GENESIS_INVALID')
})

test('an API port in use fails start(); the host is stopped and stop() releases the database', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'a')
  await initHome({ home })
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.after(() => { blocker.close() })
  const port = (blocker.address() as { port: number }).port
  const node = await createNode(await localConfig(home, { api: `127.0.0.1:${port}` }), { logger: silentLogger(), metrics: { defaultMetrics: false } })
  await assert.rejects(node.start(), (e: unknown) => e instanceof NodeError && e.code === 'LISTEN_FAILED' && e.message.includes(`127.0.0.1:${port}`))
  await node.stop()
  assert.equal(node.store.closed, true)
  // the database is free again and the host released its port (a new node starts on the same home)
  await startedNode(t, home)
})

test('a listen address in use fails start() with LISTEN_FAILED naming the address', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'a')
  await initHome({ home })
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.after(() => { blocker.close() })
  const port = (blocker.address() as { port: number }).port
  const node = await createNode(await localConfig(home, { listen: [`/ip4/127.0.0.1/tcp/${port}`] }), { logger: silentLogger(), metrics: { defaultMetrics: false } })
  t.after(async () => { await node.stop() })
  await assert.rejects(node.start(), (e: unknown) => e instanceof NodeError && e.code === 'LISTEN_FAILED' && e.message.includes(`/ip4/127.0.0.1/tcp/${port}`))
})

test('with the API off the node runs without it; a second node on the same home is refused', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'a')
  await initHome({ home })
  const node = await startedNode(t, home, { api: 'off' })
  assert.equal(node.api, undefined)
  assert.equal(node.status().api, null)
  await assert.rejects(createNode(await localConfig(home), { logger: silentLogger() }), (e: unknown) => e instanceof StoreError && e.code === 'LOCKED')
})

test('initHome refuses to replace a key or a different genesis without force', async (t) => {
  const dir = await tempDir(t)
  const home = join(dir, 'a')
  const first = await initHome({ home })
  await assert.rejects(initHome({ home }), (e: unknown) => e instanceof NodeError && e.code === 'KEY_EXISTS')
  await rm(join(home, 'node.key'))
  const other = join(dir, 'other.json')
  await writeFile(other, otherGenesisJson(await readFile(PACKAGE_GENESIS, 'utf8')))
  await assert.rejects(initHome({ home, genesis: other }), (e: unknown) => e instanceof NodeError && e.code === 'GENESIS_EXISTS')
  const kept = await initHome({ home })
  assert.equal(kept.genesis, 'kept')
  assert.equal(kept.config, 'kept')
  assert.notEqual(kept.keyPair.did, first.keyPair.did)
  const forced = await initHome({ home, genesis: other, force: true })
  assert.equal(forced.genesis, 'written')
  assert.notEqual(forced.networkId.toString(), first.networkId.toString())
})
