/**
 * The network of one netns run: a bridge in its own namespace, one namespace per node with a veth
 * into the bridge and its own address, and one veth from the root namespace into the bridge so the
 * runner reaches every API. Partitions are blackhole routes inside the node namespaces: a node has no
 * route to a peer it is cut off from (new connections fail, packets of open ones are dropped, in both
 * directions because both sides get the route); heal deletes the routes. Only iproute2 is needed.
 */
import { unlinkSync } from 'node:fs'
import { FaultsError } from '../errors.ts'
import { ip, ipSync } from './exec.ts'
import { claimSlot, releaseSlot, removeSlotObjects } from './leftovers.ts'
import {
  API_PORT, MAX_NETNS_NODES, P2P_PORT, bridgeNs, hostAddress, nodeAddress, nodeNs, ownerFile, rootLink
} from './names.ts'

export class NetnsNetwork {
  readonly slot: number
  readonly #nodes = new Set<number>()
  readonly #blocked = new Map<number, Set<number>>()
  #down = false

  private constructor (slot: number) {
    this.slot = slot
  }

  /**
   * Claims a slot and builds the bridge and the root link; on failure removes what it made.
   * `tempDir`: the run's temporary directory, removed with the leftovers should the run be killed.
   */
  static async create (tempDir?: string): Promise<NetnsNetwork> {
    const net = new NetnsNetwork(await claimSlot(tempDir))
    try {
      await net.#bridge()
    } catch (err) {
      await net.teardown()
      throw err
    }
    return net
  }

  async #bridge (): Promise<void> {
    const br = bridgeNs(this.slot)
    const root = rootLink(this.slot)
    await ip(['netns', 'add', br])
    await ip(['-n', br, 'link', 'set', 'lo', 'up'])
    await ip(['-n', br, 'link', 'add', 'br0', 'type', 'bridge'])
    await ip(['-n', br, 'link', 'set', 'br0', 'up'])
    await ip(['link', 'add', root, 'type', 'veth', 'peer', 'name', 'host', 'netns', br])
    await ip(['-n', br, 'link', 'set', 'host', 'master', 'br0'])
    await ip(['-n', br, 'link', 'set', 'host', 'up'])
    await ip(['addr', 'add', `${hostAddress(this.slot)}/24`, 'dev', root])
    await ip(['link', 'set', root, 'up'])
  }

  namespace (i: number): string {
    return nodeNs(this.slot, i)
  }

  address (i: number): string {
    return nodeAddress(this.slot, i)
  }

  listen (i: number): string {
    return `/ip4/${this.address(i)}/tcp/${P2P_PORT}`
  }

  apiUrl (i: number): string {
    return `http://${this.address(i)}:${API_PORT}`
  }

  /** Node i's namespace, veth into the bridge, address and loopback. */
  async addNode (i: number): Promise<void> {
    if (this.#down) throw new FaultsError('NETWORK_SETUP', 'the network has been torn down')
    if (i >= MAX_NETNS_NODES) throw new FaultsError('NETWORK_SETUP', `the netns driver runs at most ${MAX_NETNS_NODES} nodes`)
    const ns = this.namespace(i)
    const br = bridgeNs(this.slot)
    const port = `n${i}`
    await ip(['netns', 'add', ns])
    this.#nodes.add(i)
    await ip(['link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', br])
    await ip(['-n', br, 'link', 'set', port, 'master', 'br0'])
    await ip(['-n', br, 'link', 'set', port, 'up'])
    await ip(['-n', ns, 'link', 'set', 'lo', 'up'])
    await ip(['-n', ns, 'addr', 'add', `${this.address(i)}/24`, 'dev', 'eth0'])
    await ip(['-n', ns, 'link', 'set', 'eth0', 'up'])
    this.#blocked.set(i, new Set())
  }

  /** Makes node i unable to reach exactly `targets` (adds and deletes blackhole routes). */
  async setBlocked (i: number, targets: ReadonlySet<number>): Promise<void> {
    const have = this.#blocked.get(i)
    if (have === undefined) return
    const ns = this.namespace(i)
    for (const j of [...have]) {
      if (targets.has(j)) continue
      await ip(['-n', ns, 'route', 'del', 'blackhole', `${this.address(j)}/32`])
      have.delete(j)
    }
    for (const j of targets) {
      if (have.has(j)) continue
      await ip(['-n', ns, 'route', 'add', 'blackhole', `${this.address(j)}/32`])
      have.add(j)
    }
  }

  /** Node namespaces, the bridge, the root link and the slot; whatever still runs inside is killed. */
  async teardown (): Promise<void> {
    this.#down = true
    const namespaces = [...this.#nodes].map((i) => this.namespace(i))
    await removeSlotObjects(this.slot, [...namespaces, bridgeNs(this.slot)])
    this.#nodes.clear()
    await releaseSlot(this.slot)
  }

  /** For the process-exit hook: the same, synchronously (node processes are already SIGKILLed). */
  teardownSync (): void {
    if (this.#down) return
    this.#down = true
    for (const i of this.#nodes) ipSync(['netns', 'del', this.namespace(i)])
    ipSync(['netns', 'del', bridgeNs(this.slot)])
    ipSync(['link', 'del', rootLink(this.slot)])
    try { unlinkSync(ownerFile(this.slot)) } catch {}
  }
}
