/**
 * The netns driver: every node a separate `icn start` process in its own network namespace with its
 * own address (10.77.<s>.<i+1>), all joined by a bridge; the runner reaches the APIs from the root
 * namespace. Faults are real: partitions are missing routes, kill is SIGKILL (or SIGTERM), pause is
 * SIGSTOP and resume SIGCONT, restart starts the process again on the same home. Equivocation needs
 * the in-process fault hook, which a node process cannot be given, so it is refused here.
 *
 * Cleanup: `close()` stops every node and removes every namespace, link and route, and is called by
 * the runner in a `finally`; a process-exit hook does the same synchronously if the runner dies with
 * an exception; leftovers of a run that was SIGKILLed are removed by the next run (or `icn faults
 * cleanup`) because their owner pid is gone.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LogLevel } from '../../config/index.ts'
import { generateKeyPair, peerIdOf, type KeyPair } from '../../identity/index.ts'
import { initHome, homePaths } from '../../node/home.ts'
import { BOOTSTRAP_FANOUT, NODE_LOG_FILE } from '../../testnet/constants.ts'
import { createTestnetGenesis, testnetKey } from '../../testnet/genesis.ts'
import { nodeConfig, type NodeLayout, type NodeRole } from '../../testnet/layout.ts'
import { fetchStatus } from '../../testnet/status.ts'
import { FAULT_CONSENSUS } from '../constants.ts'
import { FaultsError } from '../errors.ts'
import type { ScenarioManifest } from '../manifest/index.ts'
import { PartitionPlan } from '../partition.ts'
import type { DriverOptions, FaultDriver } from '../drivers/types.ts'
import { netnsAvailability } from './availability.ts'
import { cleanupLeftovers } from './leftovers.ts'
import { API_PORT, P2P_PORT, TEMP_DIR_PREFIX } from './names.ts'
import { NetnsNetwork } from './network.ts'
import { NetnsNodeProcess } from './process.ts'

/** Each node's discovery period: a restarted peer is redialled quickly. */
const DISCOVERY_INTERVAL_MS = 500
const READY_TIMEOUT_MS = 60_000
const READY_POLL_MS = 100
const STOP_TIMEOUT_MS = 10_000

export function netnsDriver (manifest: ScenarioManifest, options: DriverOptions = {}): FaultDriver {
  return new NetnsDriver(manifest, options)
}

interface NetnsNode { layout: NodeLayout, key: KeyPair, proc: NetnsNodeProcess }

class NetnsDriver implements FaultDriver {
  readonly kind = 'netns' as const
  readonly #manifest: ScenarioManifest
  readonly #options: DriverOptions
  readonly #plan = new PartitionPlan()
  readonly #nodes: NetnsNode[] = []
  #dir = ''
  #ownDir = false
  #genesisFile = ''
  #validatorKeys: KeyPair[] = []
  #net: NetnsNetwork | undefined
  #closed: Promise<void> | undefined
  readonly #onExit = (): void => {
    for (const n of this.#nodes) n.proc.killNow()
    this.#net?.teardownSync()
  }

  constructor (manifest: ScenarioManifest, options: DriverOptions) {
    this.#manifest = manifest
    this.#options = options
  }

  get dir (): string {
    return this.#dir
  }

  async check (): Promise<void> {
    if (this.#manifest.equivocators.length > 0) {
      throw new FaultsError('UNSUPPORTED', 'equivocators: the netns driver runs unmodified node processes, and double-signing is a fault hook of in-process nodes; use --driver inprocess', { field: 'equivocators' })
    }
    const available = await netnsAvailability()
    if (!available.ok) throw new FaultsError('UNAVAILABLE', available.reason)
  }

  async start (): Promise<void> {
    const m = this.#manifest
    await this.check()
    const removed = await cleanupLeftovers()
    if (removed.length > 0) this.#options.log?.(`removed leftovers of earlier runs: subnets ${removed.map((s) => `10.77.${s}.0/24`).join(', ')}`)

    this.#ownDir = this.#options.dir === undefined
    this.#dir = this.#options.dir ?? await mkdtemp(join(tmpdir(), TEMP_DIR_PREFIX))
    await mkdir(this.#dir, { recursive: true })
    const made = createTestnetGenesis({
      validators: m.validators,
      networkName: 'icn-faults',
      consensus: { ...FAULT_CONSENSUS, ...m.consensus },
      ...(m.seed !== undefined ? { seed: m.seed } : {})
    })
    this.#genesisFile = join(this.#dir, 'genesis.json')
    await writeFile(this.#genesisFile, JSON.stringify(made.genesis, null, 2) + '\n', { mode: 0o644 })
    this.#validatorKeys = made.validatorKeys

    process.on('exit', this.#onExit)
    const net = this.#net = await NetnsNetwork.create(this.#ownDir ? this.#dir : undefined)
    this.#options.log?.(`network: subnet 10.77.${net.slot}.0/24, nodes at .1–.${m.validators}, this host at .254`)
    // every validator knows every other one from the start, so any of them can restart alone
    const addrs = await Promise.all(made.validatorKeys.map(async (k, i) => `${net.listen(i)}/p2p/${(await peerIdOf(k)).toString()}`))
    for (const [i, key] of made.validatorKeys.entries()) await this.#add(i, key, 'validator', addrs.filter((_, j) => j !== i))
    await Promise.all(this.#nodes.map(async (_, i) => this.#run(i)))
  }

  get #network (): NetnsNetwork {
    if (this.#net === undefined) throw new FaultsError('NETWORK_SETUP', 'the netns network has not been set up')
    return this.#net
  }

  #node (i: number): NetnsNode {
    const node = this.#nodes[i]
    if (node === undefined) throw new FaultsError('NODE_FAILED', `there is no node${i}`, { field: `node${i}` })
    return node
  }

  /** Namespace, home, config.json (this node's address, its bootstrap peers) and process. */
  async #add (i: number, key: KeyPair, role: NodeRole, bootstrap: string[]): Promise<void> {
    const net = this.#network
    await net.addNode(i)
    const name = `node${i}`
    const home = join(this.#dir, name)
    await initHome({ home, genesis: this.#genesisFile, keyPair: key })
    const peerId = (await peerIdOf(key)).toString()
    const layout: NodeLayout = {
      index: i,
      name,
      role,
      home,
      did: key.did,
      peerId,
      host: net.address(i),
      p2pPort: P2P_PORT,
      apiPort: API_PORT,
      listen: net.listen(i),
      p2pAddr: `${net.listen(i)}/p2p/${peerId}`,
      apiUrl: net.apiUrl(i),
      bootstrap: bootstrap.slice(0, BOOTSTRAP_FANOUT),
      logFile: join(home, NODE_LOG_FILE)
    }
    const proc = new NetnsNodeProcess({
      name,
      namespace: net.namespace(i),
      home,
      logFile: layout.logFile,
      onUnexpectedExit: (exit, tail) => {
        this.#options.onNodeFailure?.(i, `${name} exited on its own (${exit.signal ?? `code ${exit.code ?? '?'}`}); last lines of ${layout.logFile}:\n${tail.slice(-10).map((l) => `    ${l}`).join('\n')}`)
      }
    })
    this.#nodes[i] = { layout, key, proc }
    const config = nodeConfig(layout, { logLevel: (this.#options.logLevel ?? 'info') as LogLevel, discoveryIntervalMs: DISCOVERY_INTERVAL_MS })
    await writeFile(homePaths(home).config, JSON.stringify(config, null, 2) + '\n', { mode: 0o644 })
  }

  /** Starts node i's process and waits until its API answers as itself. */
  async #run (i: number): Promise<void> {
    const { layout, proc } = this.#node(i)
    proc.start()
    const deadline = Date.now() + READY_TIMEOUT_MS
    for (;;) {
      if (proc.state === 'stopped') {
        throw new FaultsError('NODE_FAILED', `${layout.name} exited while starting; last lines of ${layout.logFile}:\n${proc.tail(15).join('\n')}`, { field: layout.name })
      }
      const status = await fetchStatus(layout.apiUrl, 1_000).catch(() => undefined)
      if (status?.peerId === layout.peerId) {
        this.#options.log?.(`${layout.name} answers at ${layout.apiUrl} (namespace ${this.#network.namespace(i)})`)
        return
      }
      if (Date.now() > deadline) {
        await proc.stop(STOP_TIMEOUT_MS)
        throw new FaultsError('NODE_FAILED', `${layout.name} did not answer ${layout.apiUrl}/status within ${READY_TIMEOUT_MS} ms`, { field: layout.name })
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))
    }
  }

  apiUrl (i: number): string | undefined {
    const node = this.#nodes[i]
    return node === undefined || node.proc.state === 'stopped' ? undefined : node.layout.apiUrl
  }

  did (i: number): string {
    return this.#node(i).key.did
  }

  /** Each node's routes in line with the plan; namespaces are independent, so all at once. */
  async #apply (): Promise<void> {
    const all = this.#nodes.map((_, j) => j)
    await Promise.all(all.map(async (i) => this.#network.setBlocked(i, this.#plan.blockedFrom(i, all))))
  }

  async partition (groups: number[][]): Promise<void> {
    this.#plan.setGroups(groups)
    await this.#apply()
  }

  async heal (): Promise<void> {
    this.#plan.clearGroups()
    await this.#apply()
  }

  async kill (i: number, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    await this.#node(i).proc.kill(signal)
  }

  async restart (i: number): Promise<void> {
    await this.#node(i).proc.stop(STOP_TIMEOUT_MS)
    await this.#run(i)
  }

  async pause (i: number): Promise<void> {
    this.#node(i).proc.pause()
  }

  async resume (i: number): Promise<void> {
    this.#node(i).proc.resume()
  }

  async join (): Promise<number> {
    const i = this.#nodes.length
    const late = i - this.#validatorKeys.length
    const key = this.#manifest.seed !== undefined ? testnetKey(this.#manifest.seed, 'node', late) : generateKeyPair()
    const validators = this.#nodes.filter((n) => n.layout.role === 'validator').map((n) => n.layout.p2pAddr)
    // joiners spread their first dials over the validators, as in a loopback testnet
    const offset = late % Math.max(validators.length, 1)
    await this.#add(i, key, 'node', [...validators.slice(offset), ...validators.slice(0, offset)])
    await this.#apply()
    await this.#run(i)
    return i
  }

  async close (): Promise<void> {
    this.#closed ??= (async () => {
      try {
        await Promise.all(this.#nodes.map(async (n) => n.proc.stop(STOP_TIMEOUT_MS)))
      } finally {
        await this.#net?.teardown()
        process.off('exit', this.#onExit)
        if (this.#ownDir && this.#dir !== '') await rm(this.#dir, { recursive: true, force: true })
      }
    })()
    await this.#closed
  }
}
