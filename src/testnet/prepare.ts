/**
 * Writes a testnet directory:
 *
 *   <dir>/testnet.json        manifest: network, seed, ports, every node's role and identity
 *   <dir>/genesis.json        the genesis every node copies, byte for byte
 *   <dir>/keys/member<i>.key  member keys (mode 0600) for sending transactions
 *   <dir>/node<i>/            node i's home (`icn init` layout): node.key, genesis.json, config.json, db/
 *   <dir>/node<i>/node.log    node i's output (written by the supervisor)
 *
 * A directory that already holds a testnet is reused (same genesis, keys and databases: the same
 * chain restarts), with config.json rewritten for the ports asked for now; `fresh` deletes it first.
 */
import { access, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { LogLevel } from '../config/index.ts'
import { generateKeyPair, peerIdOf, type KeyPair } from '../identity/index.ts'
import { readKeyFile, writeKeyFile } from '../identity/keyfile.ts'
import { initHome, homePaths } from '../node/home.ts'
import { loadGenesisFile } from '../node/genesis-file.ts'
import {
  DEFAULT_API_BASE_PORT, DEFAULT_BASE_PORT, DEFAULT_HOST, DEFAULT_MEMBERS, GENESIS_FILE, KEYS_DIR, MANIFEST_FILE,
  MAX_NODES, TESTNET_DISCOVERY_INTERVAL_MS
} from './constants.ts'
import { TestnetError } from './errors.ts'
import { createTestnetGenesis, testnetKey, type TestnetGenesisOptions } from './genesis.ts'
import { checkPortPlan, layoutNodes, nodeConfig, type NodeIdentity, type NodeLayout } from './layout.ts'
import { readManifest, writeManifest, type Manifest } from './manifest.ts'
import { fetchStatus } from './status.ts'

/** How long a node of an existing testnet has to answer before it counts as not running. */
const RUNNING_PROBE_MS = 1_000

export interface PrepareTestnetOptions extends Omit<TestnetGenesisOptions, 'members'> {
  /** The testnet directory (created if missing). */
  dir: string
  /** Member key files besides the validators. Default 4. */
  members?: number
  /** P2P port of node 0; node i uses basePort + i. Default 4001. */
  basePort?: number
  /** API port of node 0; node i uses apiBasePort + i. Default 8080. */
  apiBasePort?: number
  /** IPv4 address every node binds. Default 127.0.0.1. */
  host?: string
  /** Delete an existing testnet in `dir` and create a new one. Default false (reuse it). */
  fresh?: boolean
  /** Node log level written to each config.json. Default 'info'. */
  logLevel?: LogLevel
  /** Discovery period of each node. Default 2 000 ms. */
  discoveryIntervalMs?: number
}

export interface MemberKey {
  index: number
  /** `member<index>`. */
  name: string
  did: string
  /** `<dir>/keys/member<index>.key`. */
  keyFile: string
}

export interface PreparedTestnet {
  /** Absolute path. */
  dir: string
  genesisFile: string
  networkName: string
  /** The genesis CID. */
  networkId: string
  seed: string | null
  host: string
  basePort: number
  apiBasePort: number
  /** Validators first (node0 … node<N−1>), then nodes added later. */
  nodes: NodeLayout[]
  members: MemberKey[]
  /** True when an existing testnet was restarted rather than created. */
  reused: boolean
  logLevel: LogLevel
  discoveryIntervalMs: number
}

async function exists (path: string): Promise<boolean> {
  return access(path).then(() => true, () => false)
}

/** Whether `dir` may be deleted by `fresh`: empty, or holding a testnet's manifest or genesis. */
async function deletable (dir: string): Promise<boolean> {
  const entries: string[] = await readdir(dir).catch(() => [])
  return entries.length === 0 || entries.includes(MANIFEST_FILE) || entries.includes(GENESIS_FILE)
}

/**
 * Refuses to touch a testnet whose nodes still run (another `icn testnet` on this directory): its
 * files and databases are in use. A node counts as running when its API, at the ports last written
 * to the manifest, answers with its own PeerId.
 */
async function refuseIfRunning (dir: string, manifest: Manifest): Promise<void> {
  const plan = { host: manifest.host, basePort: manifest.basePort, apiBasePort: manifest.apiBasePort }
  const nodes = layoutNodes(dir, plan, manifest.nodes)
  const answers = await Promise.all(nodes.map(async (n) => fetchStatus(n.apiUrl, RUNNING_PROBE_MS).then((s) => s.peerId === n.peerId, () => false)))
  const running = nodes.filter((_, i) => answers[i] === true)
  if (running.length > 0) {
    throw new TestnetError('ALREADY_RUNNING', `the testnet in ${dir} is running (${running.map((n) => `${n.name} answers at ${n.apiUrl}`).join(', ')}); stop it first`, { field: 'dir' })
  }
}

function memberKeys (dir: string, manifest: Pick<Manifest, 'members'>): MemberKey[] {
  return manifest.members.map((m, index) => ({ index, name: `member${index}`, did: m.did, keyFile: join(dir, KEYS_DIR, `member${index}.key`) }))
}

async function writeNodeConfigs (testnet: PreparedTestnet, nodes: readonly NodeLayout[]): Promise<void> {
  for (const node of nodes) {
    const config = nodeConfig(node, { logLevel: testnet.logLevel, discoveryIntervalMs: testnet.discoveryIntervalMs })
    await writeFile(homePaths(node.home).config, JSON.stringify(config, null, 2) + '\n', { mode: 0o644 })
  }
}

function manifestOf (t: PreparedTestnet): Manifest {
  return {
    version: 1,
    network: t.networkName,
    networkId: t.networkId,
    seed: t.seed,
    host: t.host,
    basePort: t.basePort,
    apiBasePort: t.apiBasePort,
    nodes: t.nodes.map((n) => ({ role: n.role, did: n.did, peerId: n.peerId })),
    members: t.members.map((m) => ({ did: m.did }))
  }
}

export async function prepareTestnet (options: PrepareTestnetOptions): Promise<PreparedTestnet> {
  const dir = resolve(options.dir)
  const host = options.host ?? DEFAULT_HOST
  const basePort = options.basePort ?? DEFAULT_BASE_PORT
  const apiBasePort = options.apiBasePort ?? DEFAULT_API_BASE_PORT
  checkPortPlan({ host, basePort, apiBasePort, nodes: options.validators })
  const common = { dir, host, basePort, apiBasePort, logLevel: options.logLevel ?? 'info', discoveryIntervalMs: options.discoveryIntervalMs ?? TESTNET_DISCOVERY_INTERVAL_MS }

  if (options.fresh === true && await exists(dir)) {
    if (!await deletable(dir)) {
      throw new TestnetError('NOT_A_TESTNET', `${dir} is not empty and holds no testnet (${MANIFEST_FILE}); refusing to delete it`, { field: 'dir' })
    }
    const old = await readManifest(dir).catch(() => undefined)
    if (old !== undefined) await refuseIfRunning(dir, old)
    await rm(dir, { recursive: true, force: true })
  }
  const manifest = await readManifest(dir)
  if (manifest !== undefined) {
    await refuseIfRunning(dir, manifest)
    return reuse(manifest, options, common)
  }
  const entries: string[] = await readdir(dir).catch(() => [])
  if (entries.length > 0) {
    const what = entries.includes(GENESIS_FILE) ? 'holds an incomplete testnet (no testnet.json); pass --fresh to recreate it' : 'is not empty and holds no testnet; choose another --dir'
    throw new TestnetError('NOT_A_TESTNET', `${dir} ${what}`, { field: 'dir' })
  }
  return create(options, common)
}

type Common = Pick<PreparedTestnet, 'dir' | 'host' | 'basePort' | 'apiBasePort' | 'logLevel' | 'discoveryIntervalMs'>

async function create (options: PrepareTestnetOptions, common: Common): Promise<PreparedTestnet> {
  const { dir } = common
  const made = createTestnetGenesis({ ...options, members: options.members ?? DEFAULT_MEMBERS })
  await mkdir(dir, { recursive: true })
  const genesisFile = join(dir, GENESIS_FILE)
  await writeFile(genesisFile, JSON.stringify(made.genesis, null, 2) + '\n', { mode: 0o644 })
  const identities: NodeIdentity[] = await Promise.all(made.validatorKeys.map(async (k) => ({ role: 'validator' as const, did: k.did, peerId: (await peerIdOf(k)).toString() })))
  const testnet: PreparedTestnet = {
    ...common,
    genesisFile,
    networkName: made.genesis.network,
    networkId: made.networkId.toString(),
    seed: options.seed ?? null,
    nodes: layoutNodes(dir, common, identities),
    members: memberKeys(dir, { members: made.memberKeys.map((k) => ({ did: k.did })) }),
    reused: false
  }
  for (const [i, member] of testnet.members.entries()) await writeKeyFile(member.keyFile, made.memberKeys[i] as KeyPair)
  for (const [i, node] of testnet.nodes.entries()) {
    await initHome({ home: node.home, genesis: genesisFile, keyPair: made.validatorKeys[i] as KeyPair })
  }
  await writeNodeConfigs(testnet, testnet.nodes)
  await writeManifest(dir, manifestOf(testnet))
  return testnet
}

async function reuse (manifest: Manifest, options: PrepareTestnetOptions, common: Common): Promise<PreparedTestnet> {
  const { dir } = common
  const validators = manifest.nodes.filter((n) => n.role === 'validator').length
  const mismatch = (what: string): never => {
    throw new TestnetError('LAYOUT_MISMATCH', `${dir} holds a testnet with ${what}; pass --fresh to replace it (its chain is lost) or choose another --dir`, { field: 'dir' })
  }
  if (options.validators !== validators) mismatch(`${validators} validators, not ${options.validators}`)
  if (options.members !== undefined && options.members !== manifest.members.length) mismatch(`${manifest.members.length} members, not ${options.members}`)
  if (options.seed !== undefined && options.seed !== manifest.seed) mismatch(manifest.seed === null ? 'random keys, not seed ' + JSON.stringify(options.seed) : `another seed`)
  checkPortPlan({ ...common, nodes: manifest.nodes.length })

  const genesisFile = join(dir, GENESIS_FILE)
  const { networkId, bytes } = await loadGenesisFile(genesisFile, 'testnet genesis')
  if (networkId.toString() !== manifest.networkId) {
    throw new TestnetError('BAD_MANIFEST', `${genesisFile} gives network ${networkId.toString()}, ${MANIFEST_FILE} says ${manifest.networkId}; pass --fresh to recreate the testnet`, { field: GENESIS_FILE })
  }
  const testnet: PreparedTestnet = {
    ...common,
    genesisFile,
    networkName: manifest.network,
    networkId: manifest.networkId,
    seed: manifest.seed,
    nodes: layoutNodes(dir, common, manifest.nodes),
    members: memberKeys(dir, manifest),
    reused: true
  }
  for (const node of testnet.nodes) {
    const paths = homePaths(node.home)
    const key = await readKeyFile(paths.key).catch((err: unknown) => {
      throw new TestnetError('BAD_MANIFEST', `${node.name}: ${(err as Error).message}; pass --fresh to recreate the testnet`, { field: node.name, cause: err })
    })
    if (key.did !== node.did) throw new TestnetError('BAD_MANIFEST', `${paths.key} holds ${key.did}, ${MANIFEST_FILE} says ${node.did}`, { field: node.name })
    const homeGenesis = await readFile(paths.genesis).catch(() => undefined)
    if (homeGenesis === undefined || Buffer.compare(homeGenesis, bytes) !== 0) {
      throw new TestnetError('LAYOUT_MISMATCH', `${paths.genesis} differs from ${genesisFile}; pass --fresh to recreate the testnet`, { field: node.name })
    }
  }
  await writeNodeConfigs(testnet, testnet.nodes)
  await writeManifest(dir, manifestOf(testnet))
  return testnet
}

export interface AddNodeOptions {
  /** Key of the new node; default derived from the testnet's seed (role 'node'), or random. */
  keyPair?: KeyPair
}

/**
 * Adds a non-validator node to a prepared testnet: a home `<dir>/node<i>` with the testnet's genesis,
 * ports base + i, and the validators as bootstrap peers. The caller starts it (a late joiner).
 */
export async function addTestnetNode (testnet: PreparedTestnet, options: AddNodeOptions = {}): Promise<NodeLayout> {
  const index = testnet.nodes.length
  if (index >= MAX_NODES) throw new TestnetError('INVALID_OPTION', `a testnet has at most ${MAX_NODES} nodes`, { field: 'nodes' })
  checkPortPlan({ host: testnet.host, basePort: testnet.basePort, apiBasePort: testnet.apiBasePort, nodes: index + 1 })
  const lateIndex = testnet.nodes.filter((n) => n.role === 'node').length
  const keyPair = options.keyPair ?? (testnet.seed !== null ? testnetKey(testnet.seed, 'node', lateIndex) : generateKeyPair())
  const identities: NodeIdentity[] = [
    ...testnet.nodes.map((n) => ({ role: n.role, did: n.did, peerId: n.peerId })),
    { role: 'node', did: keyPair.did, peerId: (await peerIdOf(keyPair)).toString() }
  ]
  const node = layoutNodes(testnet.dir, testnet, identities)[index] as NodeLayout
  await initHome({ home: node.home, genesis: testnet.genesisFile, keyPair })
  testnet.nodes.push(node)
  await writeNodeConfigs(testnet, [node])
  await writeManifest(testnet.dir, manifestOf(testnet))
  return node
}

/** The testnet in `dir` as last prepared (for scripts that drive a running testnet), or undefined. */
export async function loadTestnet (dir: string): Promise<PreparedTestnet | undefined> {
  const abs = resolve(dir)
  const manifest = await readManifest(abs)
  if (manifest === undefined) return undefined
  const common: Common = { dir: abs, host: manifest.host, basePort: manifest.basePort, apiBasePort: manifest.apiBasePort, logLevel: 'info', discoveryIntervalMs: TESTNET_DISCOVERY_INTERVAL_MS }
  return {
    ...common,
    genesisFile: join(abs, GENESIS_FILE),
    networkName: manifest.network,
    networkId: manifest.networkId,
    seed: manifest.seed,
    nodes: layoutNodes(abs, common, manifest.nodes),
    members: memberKeys(abs, manifest),
    reused: true
  }
}
