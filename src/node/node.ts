/**
 * The composition root: a node is its key, its genesis, its store, its network host and its API,
 * wired together here and nowhere else. `createNode` loads and opens what the node owns (key file,
 * genesis, database) and creates the host; `start()` brings up the components in order, `stop()`
 * takes them down in reverse and closes the database. Later features (ledger, consensus, sync) add
 * themselves to the component list in `createNode`.
 */
import { performance } from 'node:perf_hooks'
import { Registry } from 'prom-client'
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import { CID } from '../codec/index.ts'
import { libp2pPrivateKey, peerIdOf, type KeyPair } from '../identity/index.ts'
import { readKeyFile } from '../identity/keyfile.ts'
import { createNetworkHost, type NetworkHost, type NetworkHostInit, type PeerSummary } from '../network/index.ts'
import type { Genesis } from '../ledger/genesis.ts'
import { openStore, textKey, type Store, type StoreOptions } from '../storage/index.ts'
import { createApiServer, type ApiServer, type ApiRoute } from '../api/index.ts'
import { createLogger } from '../log/index.ts'
import { urlHost, type NodeConfig } from '../config/index.ts'
import pkg from '../../package.json' with { type: 'json' }
import { homePaths } from './home.ts'
import { loadGenesisFile } from './genesis-file.ts'
import { NodeError } from './errors.ts'
import { apiListenError, hostListenError } from './listen-errors.ts'
import { startAll, stopAll, type Component } from './lifecycle.ts'
import { buildStatus, type NodeStatus } from './status.ts'
import { registerNodeMetrics, type NodeMetricsInit } from './metrics.ts'
import { ledgerService, type LedgerService, type LedgerServiceInit } from './ledger-service.ts'
import { Replication, type ReplicationInit } from './consensus/component.ts'
import { totalReputation } from '../ledger/index.ts'
import { cachingVerifier, type SignatureVerifier } from '../consensus/index.ts'

export const VERSION: string = pkg.version

export interface NodeOptions {
  /** Default: a logger from config.logLevel / config.logFormat on stderr. */
  logger?: Logger
  /** Use this key instead of reading `<home>/node.key` (in-process testnets). */
  keyPair?: KeyPair
  /** Default `{path: <home>/db}`; `{memory: true}` keeps nothing on disk. */
  store?: StoreOptions
  /** Extra host settings beyond the configuration (timeouts in tests, handshake status). */
  network?: Partial<Omit<NetworkHostInit, 'privateKey' | 'networkId' | 'logger'>>
  /** API routes; default the API's ROUTES. */
  routes?: readonly ApiRoute[]
  metrics?: NodeMetricsInit
  /** How to name the genesis path's origin in messages, e.g. "genesis (from flag --genesis)". */
  genesisOrigin?: string
  /** Ledger settings (shard, mempool bounds, transaction size cap). */
  ledger?: LedgerServiceInit
  /** Local clock for the ledger's next-block-time estimate; default Date.now. */
  now?: () => number
  /** Gossip, sync and consensus settings (consensus on/off, commit delay, request timeouts). */
  replication?: ReplicationInit
}

type State = 'created' | 'starting' | 'running' | 'stopping' | 'stopped'

export interface Node {
  readonly config: NodeConfig
  readonly keyPair: KeyPair
  readonly peerId: PeerId
  readonly did: string
  readonly genesis: Genesis
  readonly networkId: CID
  readonly store: Store
  readonly host: NetworkHost
  /** Chain, mempool and ledger queries; its chain is open while the node runs. */
  readonly ledger: LedgerService
  /** Gossip, sync and the consensus engine: how this node agrees with its peers. */
  readonly replication: Replication
  readonly metrics: Registry
  readonly logger: Logger
  /** The API server while the node runs (and the API is on). */
  readonly api: ApiServer | undefined
  readonly state: State
  /** Starts every component in order. A failure stops what started and rethrows; call stop() after. */
  start: () => Promise<void>
  /** Stops components in reverse order and closes the database. Safe in any state, idempotent. */
  stop: () => Promise<void>
  status: () => NodeStatus
  peers: () => PeerSummary[]
}

const META_NAMESPACE = 'meta'
const NETWORK_ID_KEY = textKey('networkId')

/**
 * Binds the database to one network: the first start records the genesis CID, later starts refuse a
 * different one instead of mixing two chains' data.
 */
async function bindNetwork (store: Store, networkId: CID, dbPath: string): Promise<void> {
  const meta = store.namespace(META_NAMESPACE)
  const stored = await meta.get(NETWORK_ID_KEY)
  if (stored === undefined) {
    await meta.put(NETWORK_ID_KEY, networkId.bytes, { sync: true })
    return
  }
  const storedId = CID.decode(stored).toString()
  const expected = networkId.toString()
  if (storedId !== expected) {
    throw new NodeError('NETWORK_MISMATCH', `the database ${dbPath} belongs to network ${storedId}, but the genesis gives ${expected}; use the matching genesis or remove the database`)
  }
}

export async function createNode (config: NodeConfig, options: NodeOptions = {}): Promise<Node> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat })
  const paths = homePaths(config.home)
  const keyPair = options.keyPair ?? await readKeyFile(paths.key)
  const { genesis, networkId } = await loadGenesisFile(config.genesis, options.genesisOrigin ?? 'genesis')
  const storeOptions = options.store ?? { path: paths.db }
  const store = await openStore(storeOptions)
  try {
    await bindNetwork(store, networkId, store.location)
    const peerId = await peerIdOf(keyPair)
    // One signature cache for the chain store, gossip, sync and the engine: a precommit is verified once.
    const verifier = cachingVerifier()
    const ledger = ledgerService(options.ledger)({
      store, genesis, logger, verifier, ...(options.now !== undefined ? { now: options.now } : {})
    })
    const host = await createNetworkHost({
      bans: store.namespace('bans'),
      // Our head in the handshake, so peers know at once whether to sync from us.
      status: () => ledger.started ? { head: { [String(ledger.chain.head.shard)]: { height: ledger.chain.height, block: ledger.chain.headCid } } } : {},
      // On-chain reputation of a peer's DID raises its gossip score (protocols/scoring.md).
      reputationOf: (did) => ledger.started ? totalReputation(ledger.chain.ledger.state, did, ledger.chain.head.timestamp) : 0,
      ...options.network,
      privateKey: await libp2pPrivateKey(keyPair),
      networkId,
      listen: config.listen,
      announce: config.announce,
      bootstrap: config.bootstrap,
      maxConnections: config.network.maxConnections,
      discoveryIntervalMs: config.network.discoveryIntervalMs,
      ...(config.network.inboundConnectionThreshold !== undefined ? { inboundConnectionThreshold: config.network.inboundConnectionThreshold } : {}),
      gossip: { ...options.network?.gossip, ...config.network.gossip },
      // the host adds its own `module: 'network'` binding
      logger
    })
    return new IcnNode({ config, options, logger, keyPair, peerId, genesis, networkId, store, host, ledger, verifier })
  } catch (err) {
    await store.close()
    throw err
  }
}

interface Parts {
  config: NodeConfig
  options: NodeOptions
  logger: Logger
  keyPair: KeyPair
  peerId: PeerId
  genesis: Genesis
  networkId: CID
  store: Store
  host: NetworkHost
  ledger: LedgerService
  verifier: SignatureVerifier
}

class IcnNode implements Node {
  readonly config: NodeConfig
  readonly keyPair: KeyPair
  readonly peerId: PeerId
  readonly did: string
  readonly genesis: Genesis
  readonly networkId: CID
  readonly store: Store
  readonly host: NetworkHost
  readonly ledger: LedgerService
  readonly replication: Replication
  readonly metrics = new Registry()
  readonly logger: Logger
  #api: ApiServer | undefined
  #state: State = 'created'
  #startedAt: number | undefined
  #stopping: Promise<void> | undefined
  readonly #components: Component[]
  readonly #log: Logger

  constructor (parts: Parts) {
    this.config = parts.config
    this.keyPair = parts.keyPair
    this.peerId = parts.peerId
    this.did = parts.keyPair.did
    this.genesis = parts.genesis
    this.networkId = parts.networkId
    this.store = parts.store
    this.host = parts.host
    this.logger = parts.logger
    this.#log = parts.logger.child({ module: 'node' })
    this.ledger = parts.ledger
    this.replication = new Replication({
      home: this.config.home,
      keyPair: this.keyPair,
      networkId: this.networkId,
      shard: parts.options.ledger?.shard ?? 0,
      shards: this.genesis.shards,
      ledger: this.ledger,
      host: this.host,
      logger: this.logger,
      expectPeers: this.config.bootstrap.length > 0,
      verifier: parts.verifier,
      ...(parts.options.now !== undefined ? { now: parts.options.now } : {})
    }, parts.options.replication)
    registerNodeMetrics(this.metrics, {
      version: VERSION,
      networkId: this.networkId.toString(),
      peers: () => this.peers(),
      uptimeMs: () => this.#uptimeMs()
    }, parts.options.metrics)
    // Start order; stop runs in reverse. The store is opened by createNode and closed after all of these.
    this.#components = [
      { name: 'ledger', start: async () => { await this.ledger.start() }, stop: async () => { await this.ledger.stop() } },
      {
        name: 'network',
        start: async () => { await this.host.start().catch((err: unknown) => { throw hostListenError(err) }) },
        stop: async () => { await this.host.stop() }
      },
      // After the network (it needs peers to sync from), before the API (so /status has a round).
      { name: 'replication', start: async () => { await this.replication.start() }, stop: async () => { await this.replication.stop() } },
      this.#apiComponent(parts.options.routes)
    ]
  }

  #apiComponent (routes: readonly ApiRoute[] | undefined): Component {
    return {
      name: 'api',
      start: async () => {
        const api = this.config.api
        if (api === null) return
        try {
          this.#api = await createApiServer({ node: this, host: api.host, port: api.port, logger: this.logger.child({ module: 'api' }), ...(routes !== undefined ? { routes } : {}) })
        } catch (err) {
          throw apiListenError(err, `${urlHost(api.host)}:${api.port}`)
        }
      },
      stop: async () => {
        await this.#api?.close()
        this.#api = undefined
      }
    }
  }

  get api (): ApiServer | undefined {
    return this.#api
  }

  get state (): State {
    return this.#state
  }

  async start (): Promise<void> {
    if (this.#state !== 'created') throw new NodeError('BAD_STATE', `cannot start a node that is ${this.#state}`)
    this.#state = 'starting'
    try {
      await startAll(this.#components, this.#log)
    } catch (err) {
      this.#state = 'stopping'
      throw err
    }
    this.#state = 'running'
    this.#startedAt = performance.now()
    this.#log.info({ peerId: this.peerId.toString(), did: this.did, networkId: this.networkId.toString(), listen: this.host.multiaddrs() }, 'node started')
  }

  async stop (): Promise<void> {
    this.#stopping ??= this.#stop()
    await this.#stopping
  }

  async #stop (): Promise<void> {
    const wasRunning = this.#state === 'running'
    this.#state = 'stopping'
    try {
      if (wasRunning) await stopAll(this.#components, this.#log)
    } finally {
      await this.store.close()
      this.#state = 'stopped'
      this.#startedAt = undefined
      this.#log.info('node stopped')
    }
  }

  #uptimeMs (): number {
    return this.#startedAt === undefined ? 0 : Math.floor(performance.now() - this.#startedAt)
  }

  peers (): PeerSummary[] {
    return this.#state === 'running' ? this.host.peers() : []
  }

  status (): NodeStatus {
    return buildStatus({
      networkId: this.networkId.toString(),
      peerId: this.peerId.toString(),
      did: this.did,
      version: VERSION,
      started: this.#state === 'running',
      peers: () => this.host.peers(),
      listenAddrs: () => this.host.multiaddrs(),
      api: () => this.#api?.url ?? null,
      uptimeMs: () => this.#uptimeMs(),
      ledger: () => this.ledger.status(),
      replication: () => this.replication.status()
    })
  }
}
