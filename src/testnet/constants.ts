/**
 * Defaults of a local testnet, applied once as `options.x ?? DEFAULT_X`. Port layout (documented in
 * `icn testnet --help`): node i listens for libp2p on P2P base + i and serves its HTTP API on
 * API base + i, both on 127.0.0.1.
 */
import type { Category } from '../ledger/constants.ts'

/** `icn testnet` (and `npm start`) run this many validators. */
export const DEFAULT_VALIDATORS = 4
/** Member key files written to `<dir>/keys/` besides the validators, for sending transactions. */
export const DEFAULT_MEMBERS = 4
/** Testnet directory, relative to the working directory. */
export const DEFAULT_DIR = '.testnet'
/** libp2p TCP port of node 0 (node i: + i). 4001 is the usual libp2p port. */
export const DEFAULT_BASE_PORT = 4001
/** HTTP API port of node 0 (node i: + i). */
export const DEFAULT_API_BASE_PORT = 8080
/** Every node binds loopback only: a local testnet is not reachable from other machines. */
export const DEFAULT_HOST = '127.0.0.1'
/** Network name written into the genesis. */
export const DEFAULT_NETWORK_NAME = 'icn-testnet'
/** Most nodes in one testnet: every one is a process, and they all share one machine. */
export const MAX_NODES = 64
/** Most member key files. */
export const MAX_MEMBERS = 1000
/**
 * Bootstrap addresses per node: the next nodes around the ring (i+1, i+2, …), so every node knows all
 * the others in a testnet of up to this many + 1 and at least two (one dead peer cannot isolate it)
 * from 3 nodes up; the DHT finds the rest in larger ones.
 */
export const BOOTSTRAP_FANOUT = 8

/** Genesis reputation of a validator, in points: 228 in total, above the 100 needed to validate. */
export const VALIDATOR_REPUTATION: Partial<Record<Category, number>> = { validation: 200, network_stability: 20 }
export const VALIDATOR_BALANCE = 100_000
/** Genesis reputation of a member key, in points (65 in total: mana capacity 7 500, not a validator). */
export const MEMBER_REPUTATION: Partial<Record<Category, number>> = { community_building: 50 }
export const MEMBER_BALANCE = 1_000_000

/** Node settings for loopback: every peer shares 127.0.0.1, so per-IP limits and penalties are lifted. */
export const LOOPBACK_INBOUND_CONNECTION_THRESHOLD = 1000
export const LOOPBACK_IP_COLOCATION_FACTOR_WEIGHT = 0
/** Discovery rounds (bootstrap redials, DHT walks) every 2 s: a restarted peer is found again quickly. */
export const TESTNET_DISCOVERY_INTERVAL_MS = 2_000

/** How long a started node may take until its API answers `GET /status`. */
export const DEFAULT_READY_TIMEOUT_MS = 60_000
/** How long a node may take to shut down after SIGTERM before it gets SIGKILL. */
export const DEFAULT_STOP_TIMEOUT_MS = 10_000
/** Poll period of the readiness check. */
export const READY_POLL_MS = 100
/** Budget of one `GET /status` request. */
export const STATUS_REQUEST_TIMEOUT_MS = 2_000
/** Log lines kept in memory per node, for failure reports. */
export const LOG_TAIL_LINES = 40

/** Files of a testnet directory. */
export const MANIFEST_FILE = 'testnet.json'
export const GENESIS_FILE = 'genesis.json'
export const KEYS_DIR = 'keys'
export const NODE_LOG_FILE = 'node.log'

/** Container testnets (`icn testnet prepare`, docker-compose.yml): the validator services. */
export const DEFAULT_COMPOSE_HOSTS: readonly string[] = ['node0', 'node1', 'node2', 'node3']
/** libp2p TCP port inside every container. */
export const DEFAULT_COMPOSE_P2P_PORT = 4001
/** HTTP API port inside every container. */
export const DEFAULT_COMPOSE_API_PORT = 8080
/** The shared volume's directory under the prepare directory: genesis, manifest, member keys. */
export const COMPOSE_SHARED_DIR = 'shared'
export const COMPOSE_MANIFEST_FILE = 'compose.json'
