/**
 * An in-process testnet: real nodes (LevelDB on disk, libp2p over TCP on 127.0.0.1, the HTTP API on
 * port 0) in one process, for fast end-to-end tests of consensus, sync and faults, and for the
 * in-process fault driver (src/faults). Consensus timeouts are shortened through the genesis so a run
 * takes seconds, not minutes. A stopped node can be started again from its home (same key, same
 * database): that is a restart.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { resolveConfig } from '../config/index.ts'
import { createNode, initHome, type Node, type NodeOptions } from '../node/index.ts'
import { createLogger, silentLogger } from '../log/index.ts'
import { keyPairFromSeed, type KeyPair } from '../identity/index.ts'
import { buildTx, encodeTx, type Tx, type TxPayloads, type TxType } from '../ledger/index.ts'
import type { CID } from '../codec/index.ts'

/** Round timeouts for in-process runs: every node shares one event loop, so they stay short. */
export const FAST_CONSENSUS = { timeoutProposeMs: 1000, timeoutPrevoteMs: 500, timeoutPrecommitMs: 500, timeoutDeltaMs: 250 }

/** How often `waitForHeight` looks at the nodes. */
const HEIGHT_POLL_MS = 50
const DEFAULT_HEIGHT_TIMEOUT_MS = 60_000

/** A key derived from a label and an index: the same cluster has the same DIDs on every run. */
export function seededKey (label: string, i: number): KeyPair {
  const seed = new Uint8Array(32)
  seed.set(Buffer.from(`${label}-${i}`.padEnd(32, '.').slice(0, 32)))
  return keyPairFromSeed(seed)
}

export interface ClusterOptions {
  validators: number
  /** Members with a balance, for transactions. Default 2. */
  members?: number
  consensus?: Record<string, number>
  /** Node logs, pretty, on stderr at this level; default silent. Ignored when `logger` is given. */
  logLevel?: string
  /** Where every node's log goes (each node as a child with `node: i`). */
  logger?: Logger
  /** The cluster's directory (created if missing); default a fresh temporary one. */
  dir?: string
  /** Keep the directory on close. Default: keep it when `dir` was given, remove a temporary one. */
  keepDir?: boolean
}

export interface ClusterStartOptions {
  /** Nodes to dial at start; default every running node. */
  bootstrapFrom?: number[]
  /** Default the validator key of index i, or an observer key beyond the validators. */
  key?: KeyPair
  options?: NodeOptions
}

export interface Cluster {
  dir: string
  genesisPath: string
  validatorKeys: KeyPair[]
  memberKeys: KeyPair[]
  /** Running (or stopped) nodes, by index; a restarted node replaces its entry. */
  nodes: Array<Node | undefined>
  /** Starts node i (again, from its home, if it ran before). */
  start: (i: number, opts?: ClusterStartOptions) => Promise<Node>
  stop: (i: number) => Promise<void>
  node: (i: number) => Node
  running: () => Node[]
  waitForHeight: (height: number, nodes?: Node[], timeout?: number) => Promise<void>
  submit: <T extends TxType>(node: Node, key: KeyPair, type: T, payload: TxPayloads[T]) => Promise<CID>
  close: () => Promise<void>
}

async function waitUntil (check: () => boolean, timeout: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeout
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what()}`)
    await new Promise((resolve) => setTimeout(resolve, HEIGHT_POLL_MS))
  }
}

export async function startCluster (opts: ClusterOptions): Promise<Cluster> {
  const dir = opts.dir ?? await mkdtemp(join(tmpdir(), 'icn-cluster-'))
  if (opts.dir !== undefined) await mkdir(dir, { recursive: true })
  const keepDir = opts.keepDir ?? opts.dir !== undefined
  const validatorKeys = Array.from({ length: opts.validators }, (_, i) => seededKey('validator', i))
  const memberKeys = Array.from({ length: opts.members ?? 2 }, (_, i) => seededKey('member', i))
  const genesis = {
    network: 'icn-e2e',
    // Block time must not trail the clock by more than a day (transaction timestamps), nor lead it.
    initialTime: Date.now() - 60_000,
    consensus: { ...FAST_CONSENSUS, ...opts.consensus },
    members: [
      ...validatorKeys.map((k, i) => ({ did: k.did, profile: { name: `validator-${i}` }, reputation: { validation: 200 }, balance: 1_000 })),
      ...memberKeys.map((k, i) => ({ did: k.did, profile: { name: `member-${i}` }, balance: 1_000_000 }))
    ],
    validators: validatorKeys.map((k) => ({ did: k.did }))
  }
  const genesisPath = join(dir, 'genesis.json')
  await writeFile(genesisPath, JSON.stringify(genesis, null, 2))
  const nodes: Array<Node | undefined> = []
  const logger = opts.logger ?? (opts.logLevel !== undefined ? createLogger({ level: opts.logLevel as 'info', format: 'pretty' }) : silentLogger())

  const cluster: Cluster = {
    dir,
    genesisPath,
    validatorKeys,
    memberKeys,
    nodes,
    async start (i, startOpts = {}) {
      const home = join(dir, `node${i}`)
      const key = startOpts.key ?? validatorKeys[i] ?? seededKey('observer', i)
      // force: a restart rewrites the same key and keeps the database and the genesis
      await initHome({ home, genesis: genesisPath, keyPair: key, force: true })
      const from = startOpts.bootstrapFrom ?? nodes.map((n, j) => (n !== undefined && n.state === 'running' && j !== i ? j : -1)).filter((j) => j >= 0)
      const bootstrap = from.map((j) => nodes[j]?.host.multiaddrs()[0]).filter((a) => a !== undefined)
      const { config } = await resolveConfig({
        env: {},
        defaultHome: home,
        overrides: {
          listen: ['/ip4/127.0.0.1/tcp/0'],
          api: '127.0.0.1:0',
          bootstrap,
          network: { gossip: { ipColocationFactorWeight: 0 }, inboundConnectionThreshold: 1000, discoveryIntervalMs: 1000 }
        }
      })
      const node = await createNode(config, { logger: logger.child({ node: i }), metrics: { defaultMetrics: false }, ...startOpts.options })
      nodes[i] = node
      await node.start()
      return node
    },
    async stop (i) {
      await nodes[i]?.stop()
    },
    node (i) {
      const n = nodes[i]
      if (n === undefined) throw new Error(`node ${i} was never started`)
      return n
    },
    running () {
      return nodes.filter((n): n is Node => n !== undefined && n.state === 'running')
    },
    async waitForHeight (height, which = cluster.running(), timeout = DEFAULT_HEIGHT_TIMEOUT_MS) {
      await waitUntil(() => which.every((n) => (n.status().height ?? -1) >= height), timeout,
        () => `height ${height} on ${which.length} nodes (now ${which.map((n) => n.status().height).join(', ')})`)
    },
    async submit (node, key, type, payload) {
      const tx = buildTx(key, { type, payload, nonce: node.ledger.mempool.nextNonce(key.did), network: node.networkId, timestamp: Date.now() })
      const { id } = await node.ledger.submit(encodeTx(tx as unknown as Tx))
      return id
    },
    async close () {
      await Promise.allSettled(nodes.map(async (n) => n?.stop()))
      if (!keepDir) await rm(dir, { recursive: true, force: true })
    }
  }
  return cluster
}
