/**
 * Where each node of a testnet lives and listens: its home `<dir>/node<i>`, its P2P port base + i,
 * its API port apiBase + i, and the peers it dials at start. Pure computation from the testnet's
 * options and keys, so the files written, the processes started and the table printed all agree.
 */
import { isIPv4 } from 'node:net'
import { join } from 'node:path'
import type { ConfigLayer, LogLevel } from '../config/index.ts'
import {
  BOOTSTRAP_FANOUT, LOOPBACK_INBOUND_CONNECTION_THRESHOLD, LOOPBACK_IP_COLOCATION_FACTOR_WEIGHT, MAX_NODES, NODE_LOG_FILE
} from './constants.ts'
import { TestnetError } from './errors.ts'

/** A validator of the genesis, or a node that joined later without a stake in consensus. */
export type NodeRole = 'validator' | 'node'

export interface NodeLayout {
  index: number
  /** `node<index>`: its home's directory name and its label in logs and tables. */
  name: string
  role: NodeRole
  /** Absolute path of the node's home. */
  home: string
  did: string
  peerId: string
  host: string
  p2pPort: number
  apiPort: number
  /** `/ip4/<host>/tcp/<p2pPort>`: the listen address. */
  listen: string
  /** The listen address with `/p2p/<peerId>`: what peers dial. */
  p2pAddr: string
  /** `http://<host>:<apiPort>`. */
  apiUrl: string
  /** Addresses (with /p2p/) of the peers the node dials at start. */
  bootstrap: string[]
  /** `<home>/node.log`: the process's stdout and stderr. */
  logFile: string
}

export interface PortPlan {
  host: string
  basePort: number
  apiBasePort: number
  /** Nodes the plan must fit. */
  nodes: number
}

function checkRange (field: string, flag: string, base: number, count: number): void {
  if (!Number.isSafeInteger(base) || base < 1 || base > 65535) {
    throw new TestnetError('INVALID_OPTION', `${flag} must be a port from 1 to 65535, got ${base}`, { field })
  }
  if (base + count - 1 > 65535) {
    throw new TestnetError('INVALID_OPTION', `${flag} ${base} leaves no room for ${count} nodes (the last port would be ${base + count - 1} > 65535)`, { field })
  }
}

/** Refuses counts and ports that cannot work: out of range, or the P2P and API ranges overlapping. */
export function checkPortPlan (plan: PortPlan): void {
  if (!isIPv4(plan.host)) throw new TestnetError('INVALID_OPTION', `host must be an IPv4 address, got ${JSON.stringify(plan.host)}`, { field: 'host' })
  if (!Number.isSafeInteger(plan.nodes) || plan.nodes < 1 || plan.nodes > MAX_NODES) {
    throw new TestnetError('INVALID_OPTION', `a testnet has 1 to ${MAX_NODES} nodes, got ${plan.nodes}`, { field: 'validators' })
  }
  checkRange('basePort', '--base-port', plan.basePort, plan.nodes)
  checkRange('apiBasePort', '--api-base-port', plan.apiBasePort, plan.nodes)
  const p2pEnd = plan.basePort + plan.nodes - 1
  const apiEnd = plan.apiBasePort + plan.nodes - 1
  if (plan.basePort <= apiEnd && plan.apiBasePort <= p2pEnd) {
    throw new TestnetError('INVALID_OPTION',
      `--api-base-port ${plan.apiBasePort}: API ports ${plan.apiBasePort}–${apiEnd} overlap P2P ports ${plan.basePort}–${p2pEnd} (--base-port)`,
      { field: 'apiBasePort' })
  }
}

/** Every port of the plan: P2P ports then API ports. */
export function planPorts (plan: PortPlan): number[] {
  const p2p = Array.from({ length: plan.nodes }, (_, i) => plan.basePort + i)
  const api = Array.from({ length: plan.nodes }, (_, i) => plan.apiBasePort + i)
  return [...p2p, ...api]
}

export interface NodeIdentity { role: NodeRole, did: string, peerId: string }

/** Layouts of every node, with bootstrap lists (see BOOTSTRAP_FANOUT). */
export function layoutNodes (dir: string, plan: Omit<PortPlan, 'nodes'>, identities: readonly NodeIdentity[]): NodeLayout[] {
  checkPortPlan({ ...plan, nodes: identities.length })
  const nodes = identities.map((id, index): NodeLayout => {
    const name = `node${index}`
    const home = join(dir, name)
    const listen = `/ip4/${plan.host}/tcp/${plan.basePort + index}`
    return {
      index,
      name,
      role: id.role,
      home,
      did: id.did,
      peerId: id.peerId,
      host: plan.host,
      p2pPort: plan.basePort + index,
      apiPort: plan.apiBasePort + index,
      listen,
      p2pAddr: `${listen}/p2p/${id.peerId}`,
      apiUrl: `http://${plan.host}:${plan.apiBasePort + index}`,
      bootstrap: [],
      logFile: join(home, NODE_LOG_FILE)
    }
  })
  const validators = nodes.filter((n) => n.role === 'validator')
  for (const node of nodes) node.bootstrap = bootstrapFor(node, validators).map((n) => n.p2pAddr)
  return nodes
}

/**
 * A validator dials the next validators around the ring (i+1, i+2, …); a later node dials validators
 * starting at its own index modulo their count, so joiners spread their first dials.
 */
function bootstrapFor (node: NodeLayout, validators: readonly NodeLayout[]): NodeLayout[] {
  const n = validators.length
  if (n === 0) return []
  const start = node.role === 'validator' ? validators.indexOf(node) + 1 : node.index
  const out: NodeLayout[] = []
  for (let k = 0; k < n && out.length < BOOTSTRAP_FANOUT; k++) {
    const peer = validators[(start + k) % n]
    if (peer !== undefined && peer !== node) out.push(peer)
  }
  return out
}

export interface NodeConfigOptions {
  logLevel: LogLevel
  discoveryIntervalMs: number
}

/** The node's config.json: loopback addresses, its bootstrap peers, per-IP limits lifted for loopback. */
export function nodeConfig (node: NodeLayout, options: NodeConfigOptions): ConfigLayer {
  return {
    listen: [node.listen],
    announce: [],
    bootstrap: node.bootstrap,
    api: `${node.host}:${node.apiPort}`,
    logLevel: options.logLevel,
    logFormat: 'json',
    network: {
      discoveryIntervalMs: options.discoveryIntervalMs,
      inboundConnectionThreshold: LOOPBACK_INBOUND_CONNECTION_THRESHOLD,
      gossip: { ipColocationFactorWeight: LOOPBACK_IP_COLOCATION_FACTOR_WEIGHT }
    }
  }
}
