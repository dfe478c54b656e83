/**
 * Black-box multi-process testnets for end-to-end tests (CometBFT e2e style): real `icn start`
 * processes on 127.0.0.1, driven and observed only through their HTTP API and signals.
 *
 *   const net = await startTestnet(t, { validators: 4 })
 *   await net.waitForHeight(0, 3)
 *   await net.transfer(1, { from: net.members[0], to: net.members[1].did, amount: 10 })
 *   await net.kill(2); await net.restart(2)
 *
 * Ports come from a leased block (src/testnet/ports.ts), so test files running in parallel never
 * collide; `stop()` runs from `t.after` and always kills every node, even when the test failed.
 * Set E2E_LOGS=1 to see every node's log on stderr, E2E_KEEP=1 to keep the testnet directory.
 * All waiting is polling with a deadline (waitFor); no sleeps.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CID } from '../../src/codec/index.ts'
import type { ConsensusParams } from '../../src/consensus/params.ts'
import type { KeyPair } from '../../src/identity/index.ts'
import { readKeyFile } from '../../src/identity/keyfile.ts'
import { buildTx, encodeTx, type EconomicParams, type Genesis, type Tx } from '../../src/ledger/index.ts'
import { loadGenesisFile } from '../../src/node/genesis-file.ts'
import { homePaths } from '../../src/node/home.ts'
import { formatPretty } from '../../src/log/index.ts'
import type { LogLevel } from '../../src/config/index.ts'
import {
  createSupervisor, failureMessage, describeExit, leasePortBlock, prepareTestnet,
  type NodeExit, type NodeLayout, type PreparedTestnet, type Supervisor, type TestnetNodeStatus
} from '../../src/testnet/index.ts'
import { waitFor } from '../helpers/wait.ts'

/** Round timeouts short enough for tests, long enough for four processes sharing two loaded cores. */
export const FAST_CONSENSUS: Partial<ConsensusParams> = {
  timeoutProposeMs: 1000,
  timeoutPrevoteMs: 500,
  timeoutPrecommitMs: 500,
  timeoutDeltaMs: 250
}

export interface StartTestnetOptions {
  /** Default 4. */
  validators?: number
  /** Member keys (funded, with mana) for sending transactions. Default 4. */
  members?: number
  /** Derive keys from this seed (reproducible DIDs); default random. */
  seed?: string
  /** Merged over FAST_CONSENSUS. */
  consensus?: Partial<ConsensusParams>
  economics?: Partial<EconomicParams>
  shards?: number
  /** Default: now, rounded down to the second. */
  genesisTime?: number
  /** Node log level. Default 'info'. */
  logLevel?: LogLevel
  /** Per node. Default 60 s. */
  readyTimeoutMs?: number
  /** SIGTERM → SIGKILL deadline per node. Default 10 s. */
  stopTimeoutMs?: number
  /** Discovery period of each node. Default 500 ms (restarted peers are redialled quickly). */
  discoveryIntervalMs?: number
}

export interface E2eNode {
  index: number
  name: string
  role: 'validator' | 'node'
  apiUrl: string
  peerId: string
  did: string
  home: string
  p2pAddr: string
  logFile: string
}

export interface WaitOptions {
  /** Default 30 s. */
  timeout?: number
  /** Poll period. Default 200 ms. */
  interval?: number
}

export interface HttpResult<T = unknown> {
  status: number
  body: T
}

export interface TransferOptions {
  from: KeyPair
  to: string
  amount: number
  /** Default: the harness's count of transactions from `from` that were accepted (202), from 0. */
  nonce?: number
  priority?: number
  /** Default Date.now(). */
  timestamp?: number
}

/** Types the `(t)` of node:test that startTestnet needs: somewhere to register the cleanup. */
export interface CleanupContext {
  after: (fn: () => Promise<void> | void) => void
}

const PORTS_PER_KIND = 32
const DEFAULT_WAIT_MS = 30_000
const POLL_MS = 200

function toNode (n: NodeLayout): E2eNode {
  return { index: n.index, name: n.name, role: n.role, apiUrl: n.apiUrl, peerId: n.peerId, did: n.did, home: n.home, p2pAddr: n.p2pAddr, logFile: n.logFile }
}

/** The environment without ICN_* variables, so a developer's settings cannot leak into the nodes. */
function cleanEnv (): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ICN_') && v !== undefined) env[k] = v
  return env
}

export type TxResult = HttpResult<{ id?: string, error?: { code: string, message: string, field?: string } }>

/** POSTs a signed transaction to `<apiUrl>/tx` as raw DAG-CBOR (application/cbor): 202 {id} when accepted. */
export async function postTx (apiUrl: string, tx: Tx | Uint8Array): Promise<TxResult> {
  const bytes = tx instanceof Uint8Array ? tx : encodeTx(tx)
  const res = await fetch(`${apiUrl}/tx`, {
    method: 'POST',
    headers: { 'content-type': 'application/cbor' },
    body: bytes,
    signal: AbortSignal.timeout(5_000)
  })
  return { status: res.status, body: await res.json() as TxResult['body'] }
}

/** A signed transfer for `network` (a genesis CID) with `shards` shards. */
export function buildTransfer (opts: TransferOptions & { nonce: number, network: CID, shards: number }): Tx {
  return buildTx(opts.from, {
    type: 'transfer',
    payload: { to: opts.to, amount: opts.amount },
    nonce: opts.nonce,
    network: opts.network,
    timestamp: opts.timestamp ?? Date.now(),
    shards: opts.shards,
    ...(opts.priority !== undefined ? { priority: opts.priority } : {})
  })
}

export class E2eTestnet {
  readonly dir: string
  readonly testnet: PreparedTestnet
  readonly supervisor: Supervisor
  readonly genesis: Genesis
  readonly networkId: CID
  /** Validator keys, by node index. */
  readonly validatorKeys: KeyPair[]
  /** Member keys (`<dir>/keys/member<i>.key`): funded accounts for transactions. */
  readonly members: KeyPair[]
  /** Nodes that exited without being asked to, in order. */
  readonly failures: Array<{ node: string, exit: NodeExit }>
  readonly #release: () => Promise<void>
  readonly #nonces = new Map<string, number>()
  #stopped: Promise<void> | undefined

  constructor (init: {
    dir: string, testnet: PreparedTestnet, supervisor: Supervisor, genesis: Genesis, networkId: CID, validatorKeys: KeyPair[], members: KeyPair[],
    failures: E2eTestnet['failures'], release: () => Promise<void>
  }) {
    this.dir = init.dir
    this.failures = init.failures
    this.testnet = init.testnet
    this.supervisor = init.supervisor
    this.genesis = init.genesis
    this.networkId = init.networkId
    this.validatorKeys = init.validatorKeys
    this.members = init.members
    this.#release = init.release
  }

  /** Every node, validators first; grows with addNode. */
  get nodes (): E2eNode[] {
    return this.testnet.nodes.map(toNode)
  }

  node (i: number): E2eNode {
    const n = this.testnet.nodes[i]
    if (n === undefined) throw new Error(`no node ${i} (the testnet has ${this.testnet.nodes.length})`)
    return toNode(n)
  }

  apiUrl (i: number): string {
    return this.supervisor.apiUrl(i)
  }

  /** The OS process id of node i while it runs. */
  pid (i: number): number | undefined {
    return this.supervisor.pid(i)
  }

  async status (i: number): Promise<TestnetNodeStatus> {
    return this.supervisor.status(i)
  }

  /** GET `<api><path>` → status and parsed JSON body. */
  async get<T = unknown> (i: number, path: string): Promise<HttpResult<T>> {
    const res = await fetch(`${this.apiUrl(i)}${path}`, { signal: AbortSignal.timeout(5_000) })
    return { status: res.status, body: await res.json() as T }
  }

  /** Polls node i's status until `check` accepts it; a timeout names what was awaited and the last status. */
  async waitForStatus (i: number, check: (s: TestnetNodeStatus) => boolean, what: string, opts: WaitOptions = {}): Promise<TestnetNodeStatus> {
    let last: TestnetNodeStatus | undefined
    try {
      return await waitFor(async () => {
        last = await this.status(i)
        return check(last) ? last : undefined
      }, { timeout: opts.timeout ?? DEFAULT_WAIT_MS, interval: opts.interval ?? POLL_MS, what: `node${i}: ${what}` })
    } catch (err) {
      const seen = last === undefined ? 'no status' : `last status ${JSON.stringify(last)}`
      throw new Error(`${(err as Error).message}; ${seen}\n${this.#tail(i)}`, { cause: err })
    }
  }

  /** Until node i's head height is at least `height`. */
  async waitForHeight (i: number, height: number, opts: WaitOptions = {}): Promise<TestnetNodeStatus> {
    return this.waitForStatus(i, (s) => typeof s.height === 'number' && s.height >= height, `height ≥ ${height}`, opts)
  }

  /** Until every running node's head height is at least `height`. */
  async waitForAllHeight (height: number, opts: WaitOptions = {}): Promise<TestnetNodeStatus[]> {
    const running = this.testnet.nodes.filter((n) => this.supervisor.state(n.index) === 'running')
    return Promise.all(running.map(async (n) => this.waitForHeight(n.index, height, opts)))
  }

  /** Until node i has passed the handshake with at least `count` peers. */
  async waitForPeers (i: number, count: number, opts: WaitOptions = {}): Promise<TestnetNodeStatus> {
    return this.waitForStatus(i, (s) => s.verifiedPeers >= count, `≥ ${count} verified peers`, opts)
  }

  /** Sends `signal` (default SIGKILL) and waits until node i has exited. */
  async kill (i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<NodeExit> {
    return this.supervisor.kill(i, signal)
  }

  /** Clean stop of node i (SIGTERM, SIGKILL after the deadline). */
  async stopNode (i: number): Promise<NodeExit> {
    return this.supervisor.stop(i)
  }

  /** Starts node i again (after kill/stopNode) and waits until its API answers. */
  async start (i: number): Promise<TestnetNodeStatus> {
    return this.supervisor.start(i)
  }

  /** Stops node i if it runs, starts it on the same home and ports, waits until it answers. */
  async restart (i: number): Promise<TestnetNodeStatus> {
    return this.supervisor.restart(i)
  }

  /** SIGSTOP: node i freezes, connections stay open (a hung peer, not a crashed one). */
  pause (i: number): void {
    this.supervisor.pause(i)
  }

  resume (i: number): void {
    this.supervisor.resume(i)
  }

  /**
   * Starts one more node, not a validator (the genesis fixes those), that bootstraps from the
   * validators and must catch up with the chain; resolves once its API answers. `late` only names the
   * intent at the call site.
   */
  async addNode (_options: { late?: boolean } = {}): Promise<E2eNode> {
    const { node } = await this.supervisor.addNode()
    return toNode(node)
  }

  /** POSTs a signed transaction (raw DAG-CBOR, application/cbor) to node i: 202 {id} when accepted. */
  async submitTx (i: number, tx: Tx | Uint8Array): Promise<TxResult> {
    return postTx(this.apiUrl(i), tx)
  }

  /** Builds, signs and submits a transfer to node i; the sender's nonce advances when the node accepts it. */
  async transfer (i: number, opts: TransferOptions): Promise<TxResult & { tx: Tx }> {
    const nonce = opts.nonce ?? this.#nonces.get(opts.from.did) ?? 0
    const tx = buildTransfer({ ...opts, nonce, network: this.networkId, shards: this.genesis.shards })
    const result = await this.submitTx(i, tx)
    if (result.status === 202) this.#nonces.set(opts.from.did, nonce + 1)
    return { ...result, tx }
  }

  /** Node i's last output lines. */
  logTail (i: number, lines = 30): string[] {
    return this.supervisor.logTail(i, lines)
  }

  #tail (i: number): string {
    const node = this.testnet.nodes[i]
    return node === undefined ? '' : failureMessage(node, 'log', this.logTail(i))
  }

  /** Stops every node (always SIGKILLs what does not stop in time), gives the ports back, removes the directory. */
  async stop (): Promise<void> {
    this.#stopped ??= (async () => {
      try {
        await this.supervisor.stopAll()
      } finally {
        await this.#release()
        if (process.env.E2E_KEEP === '1') process.stderr.write(`e2e: kept testnet directory ${this.dir}\n`)
        else await rm(this.dir, { recursive: true, force: true })
      }
    })()
    await this.#stopped
  }
}

/**
 * Prepares and starts a testnet in a fresh temporary directory on leased ports, waits until every node
 * answers, and registers `stop()` with `t.after`.
 */
export async function startTestnet (t: CleanupContext, options: StartTestnetOptions = {}): Promise<E2eTestnet> {
  const lease = await leasePortBlock()
  let dir: string | undefined
  let net: E2eTestnet | undefined
  t.after(async () => {
    if (net !== undefined) await net.stop()
    else {
      await lease.release()
      if (dir !== undefined) await rm(dir, { recursive: true, force: true })
    }
  })
  dir = await mkdtemp(join(tmpdir(), 'icn-e2e-'))
  const testnet = await prepareTestnet({
    dir: join(dir, 'testnet'),
    validators: options.validators ?? 4,
    members: options.members ?? 4,
    basePort: lease.base,
    apiBasePort: lease.base + PORTS_PER_KIND,
    consensus: { ...FAST_CONSENSUS, ...options.consensus },
    logLevel: options.logLevel ?? 'info',
    discoveryIntervalMs: options.discoveryIntervalMs ?? 500,
    ...(options.economics !== undefined ? { economics: options.economics } : {}),
    ...(options.shards !== undefined ? { shards: options.shards } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.genesisTime !== undefined ? { genesisTime: options.genesisTime } : {})
  })
  if (testnet.nodes.length > PORTS_PER_KIND) throw new Error(`the harness runs at most ${PORTS_PER_KIND} nodes`)
  const failures: E2eTestnet['failures'] = []
  const supervisor = createSupervisor({
    testnet,
    env: cleanEnv(),
    ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    ...(options.stopTimeoutMs !== undefined ? { stopTimeoutMs: options.stopTimeoutMs } : {}),
    ...(process.env.E2E_LOGS === '1' ? { onLog: (node: NodeLayout, line: string) => { process.stderr.write(`${node.name} | ${formatPretty(line).trimEnd()}\n`) } } : {}),
    onUnexpectedExit: (node, exit, tail) => {
      failures.push({ node: node.name, exit })
      process.stderr.write(`e2e: ${failureMessage(node, `exited unexpectedly (${describeExit(exit)})`, tail)}\n`)
    }
  })
  const { genesis, networkId } = await loadGenesisFile(testnet.genesisFile)
  const validatorKeys = await Promise.all(testnet.nodes.map(async (n) => readKeyFile(homePaths(n.home).key)))
  const members = await Promise.all(testnet.members.map(async (m) => readKeyFile(m.keyFile)))
  net = new E2eTestnet({ dir, testnet, supervisor, genesis, networkId, validatorKeys, members, failures, release: lease.release })
  await supervisor.startAll()
  return net
}
