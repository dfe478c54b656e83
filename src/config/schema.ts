/**
 * The configuration schema and the table of keys. Every source (file, environment, flags) is checked
 * against the same strict layer schema, so an unknown key or a bad value is refused wherever it comes
 * from; the table maps each key to its environment variable and flag and documents its default.
 */
import { z } from 'zod'
import { apiString, bootstrapString, multiaddrString, type ApiAddress } from './values.ts'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]
export const LOG_FORMATS = ['json', 'pretty'] as const
export type LogFormat = typeof LOG_FORMATS[number]

const path = z.string().min(1, 'must not be empty')
const posint = z.number().int('must be a whole number').positive('must be positive').max(Number.MAX_SAFE_INTEGER)

/** One source's contribution: every key optional, unknown keys refused. */
export const ConfigLayer = z.strictObject({
  home: path.optional(),
  genesis: path.optional(),
  listen: z.array(multiaddrString).optional(),
  announce: z.array(multiaddrString).optional(),
  bootstrap: z.array(bootstrapString).optional(),
  api: apiString.optional(),
  logLevel: z.enum(LOG_LEVELS).optional(),
  logFormat: z.enum(LOG_FORMATS).optional(),
  network: z.strictObject({
    maxConnections: posint.optional(),
    discoveryIntervalMs: posint.optional(),
    inboundConnectionThreshold: posint.optional(),
    gossip: z.strictObject({
      // gossipsub requires the colocation weight to be ≤ 0; 0 turns the same-IP penalty off (local testnets)
      ipColocationFactorWeight: z.number().finite().max(0, 'must be 0 or negative').optional(),
      ipColocationFactorThreshold: posint.optional()
    }).optional()
  }).optional()
})
export type ConfigLayer = z.infer<typeof ConfigLayer>

/** A resolved, validated node configuration. Paths are absolute. */
export interface NodeConfig {
  /** The node's home directory: key file, genesis, config.json and the database (`db/`). */
  home: string
  /** Path of the genesis file. */
  genesis: string
  /** Multiaddrs the libp2p host listens on. */
  listen: string[]
  /** Multiaddrs announced to peers instead of the listen addresses (behind NAT, in containers). */
  announce: string[]
  /** Peers dialled at start, each with its /p2p/<peer id>. */
  bootstrap: string[]
  /** Where the HTTP API listens; null when it is off. */
  api: ApiAddress | null
  logLevel: LogLevel
  logFormat: LogFormat
  network: {
    maxConnections: number
    discoveryIntervalMs: number
    /** Inbound connections accepted per second from one IP; absent keeps the network default (5). */
    inboundConnectionThreshold?: number
    /** Gossipsub overrides; absent keys keep the network module's defaults. */
    gossip: { ipColocationFactorWeight?: number, ipColocationFactorThreshold?: number }
  }
}

export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/4001']
export const DEFAULT_API = '127.0.0.1:8080'
export const DEFAULT_MAX_CONNECTIONS = 50
export const DEFAULT_DISCOVERY_INTERVAL_MS = 10_000

/** Defaults for every key except `home` and `genesis`, which depend on the home directory. */
export function defaultLayer (): ConfigLayer {
  return {
    listen: [...DEFAULT_LISTEN],
    announce: [],
    bootstrap: [],
    api: DEFAULT_API,
    logLevel: 'info',
    logFormat: 'json',
    network: { maxConnections: DEFAULT_MAX_CONNECTIONS, discoveryIntervalMs: DEFAULT_DISCOVERY_INTERVAL_MS, gossip: {} }
  }
}

export type ValueKind = 'path' | 'string' | 'list' | 'int' | 'number'

export interface KeySpec {
  /** Dotted key in the config file. */
  key: string
  kind: ValueKind
  /** `ICN_*` environment variable. */
  env: string
  /** Command-line flag of `icn start`, when there is one. */
  flag?: string
  /** Name of the flag's value in commander's options (camelCase). */
  option?: string
  /** Name of the flag's value as --help shows it. */
  arg?: string
  doc: string
  /** The default, as documentation. */
  default: string
}

/** Every configuration key. config/README.md documents the same table. */
export const KEYS: readonly KeySpec[] = [
  { key: 'home', kind: 'path', env: 'ICN_HOME', flag: '--home', option: 'home', arg: 'dir', doc: 'node home directory (key, genesis, config.json, db/)', default: '~/.icn' },
  { key: 'genesis', kind: 'path', env: 'ICN_GENESIS', flag: '--genesis', option: 'genesis', arg: 'file', doc: 'genesis file; its CID is the network id', default: '<home>/genesis.json' },
  { key: 'listen', kind: 'list', env: 'ICN_LISTEN', flag: '--listen', option: 'listen', arg: 'multiaddr...', doc: 'libp2p listen multiaddrs', default: DEFAULT_LISTEN.join(',') },
  { key: 'announce', kind: 'list', env: 'ICN_ANNOUNCE', flag: '--announce', option: 'announce', arg: 'multiaddr...', doc: 'multiaddrs announced to peers instead of the listen addresses', default: '(none: announce listen addresses)' },
  { key: 'bootstrap', kind: 'list', env: 'ICN_BOOTSTRAP', flag: '--bootstrap', option: 'bootstrap', arg: 'multiaddr...', doc: 'peers to dial at start; each must end in /p2p/<peer id>', default: '(none)' },
  { key: 'api', kind: 'string', env: 'ICN_API', flag: '--api', option: 'api', arg: 'host:port', doc: 'HTTP API address (port 0: any free port; "off": no API)', default: DEFAULT_API },
  { key: 'logLevel', kind: 'string', env: 'ICN_LOG_LEVEL', flag: '--log-level', option: 'logLevel', arg: 'level', doc: `log level: ${LOG_LEVELS.join(', ')}`, default: 'info' },
  { key: 'logFormat', kind: 'string', env: 'ICN_LOG_FORMAT', flag: '--log-format', option: 'logFormat', arg: 'format', doc: 'log format: json (one object per line) or pretty (one readable line)', default: 'json' },
  { key: 'network.maxConnections', kind: 'int', env: 'ICN_MAX_CONNECTIONS', flag: '--max-connections', option: 'maxConnections', arg: 'n', doc: 'most open libp2p connections', default: String(DEFAULT_MAX_CONNECTIONS) },
  { key: 'network.discoveryIntervalMs', kind: 'int', env: 'ICN_DISCOVERY_INTERVAL_MS', doc: 'milliseconds between peer discovery rounds (DHT walks, bootstrap redials)', default: String(DEFAULT_DISCOVERY_INTERVAL_MS) },
  { key: 'network.inboundConnectionThreshold', kind: 'int', env: 'ICN_INBOUND_CONNECTION_THRESHOLD', doc: 'inbound connections accepted per second from one IP (raise it for loopback testnets)', default: '(network default: 5)' },
  { key: 'network.gossip.ipColocationFactorWeight', kind: 'number', env: 'ICN_GOSSIP_IP_COLOCATION_WEIGHT', doc: 'gossipsub score weight for many peers on one IP (≤ 0; 0 for local testnets)', default: '(network default: -10)' },
  { key: 'network.gossip.ipColocationFactorThreshold', kind: 'int', env: 'ICN_GOSSIP_IP_COLOCATION_THRESHOLD', doc: 'peers allowed on one IP before the colocation penalty applies', default: '(network default: 10)' }
]

/** Environment variables that are read but are not configuration keys. */
export const OTHER_ENV = {
  ICN_CONFIG: 'path of a config file to read instead of <home>/config.json (same as --config)',
  ICN_DEBUG: 'set to 1 to print stack traces with errors'
} as const
