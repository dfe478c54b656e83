import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat, writeFile, mkdir, access } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:http'
import { resolveConfig } from '../../src/config/index.ts'
import { readKeyFile } from '../../src/identity/keyfile.ts'
import { peerIdOf } from '../../src/identity/index.ts'
import { homePaths, loadGenesisFile } from '../../src/node/index.ts'
import { addTestnetNode, layoutNodes, leasePortBlock, loadTestnet, prepareTestnet, readManifest, TestnetError, type NodeIdentity } from '../../src/testnet/index.ts'

async function tempDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-testnet-prepare-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777
const exists = async (path: string): Promise<boolean> => access(path).then(() => true, () => false)

test('prepareTestnet writes one genesis, member keys and a home per validator with its ports and bootstrap peers', async (t) => {
  const dir = join(await tempDir(t), 'net')
  const net = await prepareTestnet({ dir, validators: 3, members: 2, basePort: 4101, apiBasePort: 8180, seed: 'prep', genesisTime: 1_800_000_000_000 })
  assert.equal(net.reused, false)
  assert.equal(net.nodes.length, 3)
  const shared = await loadGenesisFile(net.genesisFile)
  assert.equal(shared.networkId.toString(), net.networkId)

  for (const node of net.nodes) {
    const paths = homePaths(node.home)
    assert.equal(node.home, join(dir, `node${node.index}`))
    assert.equal(node.role, 'validator')
    assert.equal(await mode(paths.key), 0o600, 'the node key is readable by its owner only')
    const key = await readKeyFile(paths.key)
    assert.equal(key.did, node.did)
    assert.equal((await peerIdOf(key)).toString(), node.peerId)

    const genesis = await loadGenesisFile(paths.genesis)
    assert.equal(genesis.networkId.toString(), net.networkId, 'every home holds the same genesis')
    assert.deepEqual(await readFile(paths.genesis), await readFile(net.genesisFile), 'byte for byte')

    // the node's own configuration resolution accepts the file and yields the testnet's addresses
    const { config } = await resolveConfig({ env: {}, defaultHome: node.home })
    assert.deepEqual(config.listen, [`/ip4/127.0.0.1/tcp/${4101 + node.index}`])
    assert.deepEqual(config.api, { host: '127.0.0.1', port: 8180 + node.index })
    assert.equal(node.apiUrl, `http://127.0.0.1:${8180 + node.index}`)
    const others = net.nodes.filter((n) => n !== node).map((n) => `/ip4/127.0.0.1/tcp/${n.p2pPort}/p2p/${n.peerId}`)
    assert.deepEqual([...config.bootstrap].sort(), others.sort(), 'a small testnet bootstraps from every other node')
    assert.equal(config.network.gossip.ipColocationFactorWeight, 0)
    assert.ok((config.network.inboundConnectionThreshold ?? 0) >= 100, 'loopback peers are not throttled per IP')
  }

  assert.equal(net.members.length, 2)
  for (const member of net.members) {
    assert.equal(member.keyFile, join(dir, 'keys', `member${member.index}.key`))
    assert.equal(await mode(member.keyFile), 0o600)
    const key = await readKeyFile(member.keyFile)
    assert.equal(key.did, member.did)
    assert.ok(shared.genesis.members.some((m) => m.did === member.did && m.balance > 0), 'a member key is a funded genesis member')
    assert.ok(!shared.genesis.validators.some((v) => v.did === member.did))
  }
  const manifest = await readManifest(dir)
  assert.equal(manifest?.networkId, net.networkId)
  assert.deepEqual(manifest?.nodes.map((n) => n.did), net.nodes.map((n) => n.did))
})

test('a second prepare reuses the testnet (same chain, new ports); fresh replaces it; a different layout is refused', async (t) => {
  const dir = join(await tempDir(t), 'net')
  const first = await prepareTestnet({ dir, validators: 3, basePort: 4101, apiBasePort: 8180 })
  // a database file stands for the chain: reuse must keep it
  await mkdir(homePaths(first.nodes[0]?.home ?? '').db, { recursive: true })
  await writeFile(join(homePaths(first.nodes[0]?.home ?? '').db, 'CURRENT'), 'x')

  const again = await prepareTestnet({ dir, validators: 3, basePort: 5101, apiBasePort: 9180 })
  assert.equal(again.reused, true)
  assert.equal(again.networkId, first.networkId)
  assert.deepEqual(again.nodes.map((n) => n.did), first.nodes.map((n) => n.did))
  assert.deepEqual(again.members.map((m) => m.did), first.members.map((m) => m.did))
  assert.ok(await exists(join(homePaths(first.nodes[0]?.home ?? '').db, 'CURRENT')), 'reuse keeps the databases')
  const { config } = await resolveConfig({ env: {}, defaultHome: again.nodes[1]?.home ?? '' })
  assert.deepEqual(config.listen, ['/ip4/127.0.0.1/tcp/5102'], 'config.json follows the ports asked for now')
  assert.equal((await readManifest(dir))?.basePort, 5101)

  await assert.rejects(prepareTestnet({ dir, validators: 4 }), (e: unknown) => e instanceof TestnetError && e.code === 'LAYOUT_MISMATCH')
  await assert.rejects(prepareTestnet({ dir, validators: 3, members: 9 }), (e: unknown) => e instanceof TestnetError && e.code === 'LAYOUT_MISMATCH')
  await assert.rejects(prepareTestnet({ dir, validators: 3, seed: 'other' }), (e: unknown) => e instanceof TestnetError && e.code === 'LAYOUT_MISMATCH')

  const fresh = await prepareTestnet({ dir, validators: 4, fresh: true })
  assert.equal(fresh.reused, false)
  assert.notEqual(fresh.networkId, first.networkId)
  assert.equal(fresh.nodes.length, 4)
  assert.ok(!await exists(join(homePaths(first.nodes[0]?.home ?? '').db, 'CURRENT')), 'fresh starts a new chain')
})

test('a directory that is not a testnet is neither used nor deleted', async (t) => {
  const dir = await tempDir(t)
  const precious = join(dir, 'notes.txt')
  await writeFile(precious, 'keep me')
  await assert.rejects(prepareTestnet({ dir, validators: 3 }), (e: unknown) => e instanceof TestnetError && e.code === 'NOT_A_TESTNET' && e.field === 'dir')
  await assert.rejects(prepareTestnet({ dir, validators: 3, fresh: true }), (e: unknown) => e instanceof TestnetError && e.code === 'NOT_A_TESTNET')
  assert.equal(await readFile(precious, 'utf8'), 'keep me')
})

test('ports out of range or overlapping are refused naming the option', async (t) => {
  const dir = join(await tempDir(t), 'net')
  const cases: Array<[Record<string, number>, string]> = [
    [{ basePort: 0 }, 'basePort'],
    [{ basePort: 65534 }, 'basePort'],
    [{ apiBasePort: 70000 }, 'apiBasePort'],
    [{ basePort: 4001, apiBasePort: 4003 }, 'apiBasePort'],
    [{ basePort: 8082, apiBasePort: 8080 }, 'apiBasePort']
  ]
  for (const [ports, field] of cases) {
    await assert.rejects(prepareTestnet({ dir, validators: 4, ...ports }), (e: unknown) => e instanceof TestnetError && e.code === 'INVALID_OPTION' && e.field === field, JSON.stringify(ports))
  }
  assert.ok(!await exists(dir), 'nothing is written for a refused layout')
})

test('bootstrap lists stay bounded in large testnets and always name at least two other nodes', () => {
  const ids: NodeIdentity[] = Array.from({ length: 12 }, (_, i) => ({ role: 'validator', did: `did:${i}`, peerId: `12D3KooWPeer${i}` }))
  const nodes = layoutNodes('/x', { host: '127.0.0.1', basePort: 4001, apiBasePort: 8080 }, ids)
  for (const node of nodes) {
    assert.equal(node.bootstrap.length, 8)
    assert.ok(!node.bootstrap.includes(node.p2pAddr), 'a node does not dial itself')
    assert.equal(new Set(node.bootstrap).size, 8)
  }
  // every node is dialled by someone
  const dialled = new Set(nodes.flatMap((n) => n.bootstrap))
  assert.equal(dialled.size, 12)
})

test('addTestnetNode adds a non-validator home that bootstraps from the validators; loadTestnet reads the layout back', async (t) => {
  const dir = join(await tempDir(t), 'net')
  const net = await prepareTestnet({ dir, validators: 3, basePort: 4101, apiBasePort: 8180, seed: 'late' })
  const late = await addTestnetNode(net)
  assert.equal(late.index, 3)
  assert.equal(late.role, 'node')
  assert.equal(late.p2pPort, 4104)
  assert.equal(late.apiPort, 8183)
  assert.deepEqual([...late.bootstrap].sort(), net.nodes.filter((n) => n.role === 'validator').map((n) => n.p2pAddr).sort())
  assert.equal((await loadGenesisFile(homePaths(late.home).genesis)).networkId.toString(), net.networkId)
  assert.equal(await mode(homePaths(late.home).key), 0o600)
  const { config } = await resolveConfig({ env: {}, defaultHome: late.home })
  assert.deepEqual(config.listen, ['/ip4/127.0.0.1/tcp/4104'])

  const loaded = await loadTestnet(dir)
  assert.deepEqual(loaded?.nodes.map((n) => [n.role, n.did, n.apiUrl]), net.nodes.map((n) => [n.role, n.did, n.apiUrl]))
  // a seeded testnet adds the same late node again
  const dir2 = join(await tempDir(t), 'net')
  const twin = await prepareTestnet({ dir: dir2, validators: 3, seed: 'late' })
  assert.equal((await addTestnetNode(twin)).did, late.did)
  assert.equal(await loadTestnet(join(dir, 'missing')), undefined)
})

test('a testnet whose node still answers is neither reused nor deleted', async (t) => {
  const dir = join(await tempDir(t), 'net')
  const lease = await leasePortBlock()
  t.after(lease.release)
  const net = await prepareTestnet({ dir, validators: 3, basePort: lease.base, apiBasePort: lease.base + 32 })
  const node1 = net.nodes[1]
  assert.ok(node1 !== undefined)
  // node1's API answers as node1: another `icn testnet` runs this directory
  const server = createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ peerId: node1.peerId })) })
  await new Promise<void>((resolve) => server.listen(node1.apiPort, '127.0.0.1', resolve))
  t.after(() => { server.close() })
  for (const fresh of [false, true]) {
    await assert.rejects(prepareTestnet({ dir, validators: 3, basePort: lease.base + 10, apiBasePort: lease.base + 40, fresh }),
      (e: unknown) => e instanceof TestnetError && e.code === 'ALREADY_RUNNING' && e.message.includes('node1 answers'))
  }
  assert.equal((await readManifest(dir))?.basePort, lease.base, 'the running testnet is left as it was')
  assert.ok(await exists(homePaths(node1.home).key))
})
