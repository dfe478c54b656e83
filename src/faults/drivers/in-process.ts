/**
 * The in-process driver: real nodes (LevelDB, libp2p over TCP on 127.0.0.1, HTTP API) in this
 * process, from src/testnet/in-process.ts. Faults map onto it as follows:
 *
 * - partition / heal: each node's connection gater refuses the other side (`host.partition`), and
 *   existing connections are hung up; heal lifts it and redials at once (`host.heal`).
 * - kill: the node is stopped (cleanly: in one process there is nothing to SIGKILL); restart creates
 *   it again from its home — same key, same database — and re-applies any partition in force.
 * - pause: the closest honest stand-in for SIGSTOP — the node is cut off from every peer and every
 *   peer from it, so it neither hears nor is heard; unlike a frozen process its timers keep running
 *   (it moves through rounds alone) and its API still answers. resume lifts the isolation.
 * - equivocators run with the replication fault hook `faults.equivocate`, from the start and after
 *   every restart.
 * - join: a node with a fresh (non-validator) key that bootstraps from the running nodes and syncs.
 */
import type { Node, NodeOptions } from '../../node/index.ts'
import { startCluster, type Cluster } from '../../testnet/in-process.ts'
import { FAULT_CONSENSUS } from '../constants.ts'
import { FaultsError } from '../errors.ts'
import type { ScenarioManifest } from '../manifest/index.ts'
import { PartitionPlan } from '../partition.ts'
import type { DriverOptions, FaultDriver } from './types.ts'

export function inProcessDriver (manifest: ScenarioManifest, options: DriverOptions = {}): FaultDriver {
  return new InProcessDriver(manifest, options)
}

class InProcessDriver implements FaultDriver {
  readonly kind = 'inprocess' as const
  readonly #manifest: ScenarioManifest
  readonly #options: DriverOptions
  readonly #plan = new PartitionPlan()
  #cluster: Cluster | undefined
  #closed: Promise<void> | undefined

  constructor (manifest: ScenarioManifest, options: DriverOptions) {
    this.#manifest = manifest
    this.#options = options
  }

  get dir (): string {
    return this.#cluster?.dir ?? this.#options.dir ?? ''
  }

  get #c (): Cluster {
    if (this.#cluster === undefined) throw new FaultsError('NODE_FAILED', 'the in-process network has not been started')
    return this.#cluster
  }

  #nodeOptions (i: number): NodeOptions {
    return this.#manifest.equivocators.includes(i) ? { replication: { faults: { equivocate: true } } } : {}
  }

  /** Everything a manifest can ask for works in-process. */
  async check (): Promise<void> {}

  async start (): Promise<void> {
    const m = this.#manifest
    this.#cluster = await startCluster({
      validators: m.validators,
      // a one- or two-validator network is allowed, as in `icn testnet`: the floor follows the set
      consensus: { ...FAULT_CONSENSUS, minValidators: Math.min(m.validators, 3), ...m.consensus },
      ...(this.#options.dir !== undefined ? { dir: this.#options.dir } : {}),
      ...(this.#options.logLevel !== undefined ? { logLevel: this.#options.logLevel } : {})
    })
    // one after another, each bootstrapping from those already up (as the e2e tests do)
    for (let i = 0; i < m.validators; i++) {
      await this.#cluster.start(i, { options: this.#nodeOptions(i) })
      this.#options.log?.(`node${i} started (in-process)${m.equivocators.includes(i) ? ', equivocating' : ''}`)
    }
  }

  #running (i: number): Node | undefined {
    const node = this.#cluster?.nodes[i]
    return node?.state === 'running' ? node : undefined
  }

  apiUrl (i: number): string | undefined {
    return this.#running(i)?.api?.url
  }

  did (i: number): string {
    const node = this.#cluster?.nodes[i]
    if (node !== undefined) return node.did
    const key = this.#c.validatorKeys[i]
    if (key === undefined) throw new FaultsError('NODE_FAILED', `node${i} has not joined`, { field: `node${i}` })
    return key.did
  }

  /** Brings every running node's gater in line with the plan. */
  async #apply (): Promise<void> {
    const nodes = this.#c.nodes
    const all = nodes.map((_, j) => j)
    await Promise.all(all.map(async (i) => {
      const node = this.#running(i)
      if (node === undefined) return
      const want = new Set([...this.#plan.blockedFrom(i, all)].flatMap((j) => {
        const peer = nodes[j]
        return peer === undefined ? [] : [peer.peerId.toString()]
      }))
      const have = new Set(node.host.partitionedFrom())
      // heal() lifts every block at once, so a block that must go means: lift all, then block again
      if ([...have].some((id) => !want.has(id))) node.host.heal()
      const now = new Set(node.host.partitionedFrom())
      const add = [...want].filter((id) => !now.has(id))
      if (add.length > 0) await node.host.partition(add)
    }))
  }

  async partition (groups: number[][]): Promise<void> {
    this.#plan.setGroups(groups)
    await this.#apply()
  }

  async heal (): Promise<void> {
    this.#plan.clearGroups()
    await this.#apply()
  }

  async kill (i: number): Promise<void> {
    await this.#c.stop(i)
  }

  async restart (i: number): Promise<void> {
    if (this.#running(i) !== undefined) await this.#c.stop(i)
    await this.#c.start(i, { options: this.#nodeOptions(i) })
    await this.#apply()
  }

  async pause (i: number): Promise<void> {
    this.#plan.isolate(i)
    await this.#apply()
  }

  async resume (i: number): Promise<void> {
    this.#plan.release(i)
    await this.#apply()
  }

  async join (): Promise<number> {
    const i = this.#c.nodes.length
    await this.#c.start(i)
    await this.#apply()
    return i
  }

  async close (): Promise<void> {
    this.#closed ??= (async () => { await this.#cluster?.close() })()
    await this.#closed
  }
}
