/**
 * A testnet for containers (docker-compose.yml). The compose file's one-shot `init` service writes one
 * home per service into that service's volume, plus a shared volume with the genesis:
 *
 *   <dir>/shared/genesis.json         the genesis, byte for byte the one in every home
 *   <dir>/shared/compose.json         manifest: network, seed, ports, every service's DID and PeerId
 *   <dir>/shared/keys/member<i>.key   member keys (mode 0600) for sending transactions
 *   <dir>/<validator>/                a validator's home: node.key, genesis.json, config.json
 *   <dir>/<observer>/node.key         an observer's key only: it joins with `icn join --genesis --bootstrap`
 *
 * Unlike a loopback testnet (layout.ts), every node has the same ports, each in its own container, and
 * names its peers by service: `/dns4/<service>/tcp/<port>/p2p/<peer id>`. The container network's DNS
 * resolves the name and @libp2p/tcp dials it through the OS resolver. A directory that already holds a
 * compose testnet is checked and kept (same keys, same chain), so `docker compose up` can run init again.
 */
import { access, chown, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import type { ConfigLayer, LogLevel } from '../config/index.ts'
import { generateKeyPair, peerIdOf, type KeyPair } from '../identity/index.ts'
import { readKeyFile, writeKeyFile } from '../identity/keyfile.ts'
import { homePaths, initHome } from '../node/home.ts'
import { loadGenesisFile } from '../node/genesis-file.ts'
import {
  BOOTSTRAP_FANOUT, COMPOSE_MANIFEST_FILE, COMPOSE_SHARED_DIR, DEFAULT_COMPOSE_API_PORT, DEFAULT_COMPOSE_HOSTS, DEFAULT_COMPOSE_P2P_PORT,
  DEFAULT_MEMBERS, GENESIS_FILE, KEYS_DIR, MAX_NODES, TESTNET_DISCOVERY_INTERVAL_MS
} from './constants.ts'
import { TestnetError } from './errors.ts'
import { createTestnetGenesis, testnetKey, type TestnetGenesisOptions } from './genesis.ts'


/** A DNS label: a compose service name that resolves inside the container network. */
const SERVICE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

export type ComposeRole = 'validator' | 'observer'

export interface ComposeService {
  /** The compose service name, also its host name on the container network. */
  name: string
  role: ComposeRole
  /** `<dir>/<name>`: the service's volume as init sees it. */
  home: string
  did: string
  peerId: string
  /** `/dns4/<name>/tcp/<port>/p2p/<peerId>`: how other services dial it. */
  p2pAddr: string
  /** Addresses a validator dials at start (the other validators); empty for observers. */
  bootstrap: string[]
}

export interface PrepareComposeOptions extends Omit<TestnetGenesisOptions, 'validators' | 'members'> {
  /** The directory the volumes are mounted under (`/testnet` in the init container). */
  dir: string
  /** Validator service names. Default node0 … node3. */
  hosts?: readonly string[]
  /** Observer service names: they get a key and join through `icn join`. Default none. */
  observers?: readonly string[]
  /** Member key files in the shared directory. Default 4. */
  members?: number
  /** libp2p port inside every container. Default 4001. */
  port?: number
  /** API port inside every container. Default 8080. */
  apiPort?: number
  logLevel?: LogLevel
  /** Discovery period of each validator. Default 2 000 ms. */
  discoveryIntervalMs?: number
  /** Hand every written file and directory to this owner (init runs as root, the nodes do not). */
  owner?: { uid: number, gid: number }
}

export interface PreparedComposeTestnet {
  dir: string
  sharedDir: string
  genesisFile: string
  networkName: string
  networkId: string
  seed: string | null
  port: number
  apiPort: number
  /** Validators first, in `hosts` order, then observers. */
  services: ComposeService[]
  /** Member DIDs; key i is `<sharedDir>/keys/member<i>.key`. */
  members: Array<{ did: string, keyFile: string }>
  /** True when an existing compose testnet was checked and kept. */
  reused: boolean
}

const port = z.number().int().min(1).max(65535)
const ManifestSchema = z.strictObject({
  version: z.literal(1),
  network: z.string().min(1),
  networkId: z.string().min(1),
  seed: z.string().nullable(),
  services: z.array(z.strictObject({ name: z.string(), role: z.enum(['validator', 'observer']), did: z.string(), peerId: z.string() })).min(1),
  members: z.array(z.strictObject({ did: z.string() }))
})
type ComposeManifest = z.infer<typeof ManifestSchema>

async function exists (path: string): Promise<boolean> {
  return access(path).then(() => true, () => false)
}

function invalid (field: string, message: string): never {
  throw new TestnetError('INVALID_OPTION', message, { field })
}

/** Refuses names that are not DNS labels, repeated names and ports out of range. */
export function checkComposePlan (hosts: readonly string[], observers: readonly string[], p2pPort: number, apiPort: number): void {
  if (hosts.length < 1 || hosts.length + observers.length > MAX_NODES) invalid('hosts', `a compose testnet has 1 to ${MAX_NODES} services, got ${hosts.length} validators and ${observers.length} observers`)
  const seen = new Set<string>()
  for (const [field, names] of [['hosts', hosts], ['observers', observers]] as const) {
    for (const name of names) {
      if (!SERVICE_NAME.test(name)) invalid(field, `${JSON.stringify(name)} is not a service name (lowercase letters, digits and -, at most 63, as in DNS)`)
      if (name === COMPOSE_SHARED_DIR) invalid(field, `"${COMPOSE_SHARED_DIR}" is the shared directory's name; choose another service name`)
      if (seen.has(name)) invalid(field, `service ${name} is named twice`)
      seen.add(name)
    }
  }
  if (!port.safeParse(p2pPort).success) invalid('port', `port must be 1–65535, got ${p2pPort}`)
  if (!port.safeParse(apiPort).success) invalid('apiPort', `API port must be 1–65535, got ${apiPort}`)
  if (p2pPort === apiPort) invalid('apiPort', `the API port and the libp2p port are both ${p2pPort}`)
}

/** `/dns4/<name>/tcp/<port>/p2p/<peerId>`. */
export function composeAddr (name: string, p2pPort: number, peerId: string): string {
  return `/dns4/${name}/tcp/${p2pPort}/p2p/${peerId}`
}

/** Services with their addresses; each validator dials the next validators around the ring. */
function layoutServices (dir: string, p2pPort: number, ids: ReadonlyArray<{ name: string, role: ComposeRole, did: string, peerId: string }>): ComposeService[] {
  const services = ids.map((id): ComposeService => ({ ...id, home: join(dir, id.name), p2pAddr: composeAddr(id.name, p2pPort, id.peerId), bootstrap: [] }))
  const validators = services.filter((s) => s.role === 'validator')
  for (const [i, service] of validators.entries()) {
    for (let k = 1; k < validators.length && service.bootstrap.length < BOOTSTRAP_FANOUT; k++) {
      service.bootstrap.push((validators[(i + k) % validators.length] as ComposeService).p2pAddr)
    }
  }
  return services
}

/** A validator's config.json: every interface inside its container, its service name announced. */
export function composeNodeConfig (service: ComposeService, options: { port: number, apiPort: number, logLevel: LogLevel, discoveryIntervalMs: number }): ConfigLayer {
  return {
    listen: [`/ip4/0.0.0.0/tcp/${options.port}`],
    announce: [`/dns4/${service.name}/tcp/${options.port}`],
    bootstrap: service.bootstrap,
    api: `0.0.0.0:${options.apiPort}`,
    logLevel: options.logLevel,
    logFormat: 'json',
    network: { discoveryIntervalMs: options.discoveryIntervalMs }
  }
}

async function writeJson (file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o644 })
  await rename(tmp, file)
}

async function readManifest (file: string): Promise<ComposeManifest | undefined> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined
    throw new TestnetError('BAD_MANIFEST', `cannot read ${file}: ${err.message}`, { field: COMPOSE_MANIFEST_FILE, cause: err })
  })
  if (text === undefined) return undefined
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new TestnetError('BAD_MANIFEST', `${file} is not JSON: ${(err as Error).message}`, { field: COMPOSE_MANIFEST_FILE })
  }
  const parsed = ManifestSchema.safeParse(json)
  if (!parsed.success) throw new TestnetError('BAD_MANIFEST', `${file}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { field: COMPOSE_MANIFEST_FILE })
  return parsed.data
}

const RESET_HINT = 'remove the volumes (docker compose down -v) or choose another --dir'

export async function prepareComposeTestnet (options: PrepareComposeOptions): Promise<PreparedComposeTestnet> {
  const dir = resolve(options.dir)
  const hosts = options.hosts ?? DEFAULT_COMPOSE_HOSTS
  const observers = options.observers ?? []
  const p2pPort = options.port ?? DEFAULT_COMPOSE_P2P_PORT
  const apiPort = options.apiPort ?? DEFAULT_COMPOSE_API_PORT
  checkComposePlan(hosts, observers, p2pPort, apiPort)
  const sharedDir = join(dir, COMPOSE_SHARED_DIR)
  const manifest = await readManifest(join(sharedDir, COMPOSE_MANIFEST_FILE))
  const prepared = manifest === undefined
    ? await create(options, dir, hosts, observers, p2pPort)
    : await reuse(manifest, options, dir, hosts, observers, p2pPort)
  const config = { port: p2pPort, apiPort, logLevel: options.logLevel ?? 'info', discoveryIntervalMs: options.discoveryIntervalMs ?? TESTNET_DISCOVERY_INTERVAL_MS }
  for (const service of prepared.services.filter((s) => s.role === 'validator')) {
    await writeJson(homePaths(service.home).config, composeNodeConfig(service, config))
  }
  if (options.owner !== undefined) {
    for (const path of [sharedDir, ...prepared.services.map((s) => s.home)]) await chownTree(path, options.owner.uid, options.owner.gid)
  }
  return { ...prepared, apiPort }
}

type Prepared = Omit<PreparedComposeTestnet, 'apiPort'>

async function create (options: PrepareComposeOptions, dir: string, hosts: readonly string[], observers: readonly string[], p2pPort: number): Promise<Prepared> {
  const sharedDir = join(dir, COMPOSE_SHARED_DIR)
  // A volume with a node in it but no manifest is a half-written or foreign testnet: never overwrite a key.
  for (const name of [...hosts, ...observers]) {
    const paths = homePaths(join(dir, name))
    if (await exists(paths.key) || await exists(paths.genesis)) {
      throw new TestnetError('NOT_A_TESTNET', `${paths.home} already holds a node but ${join(sharedDir, COMPOSE_MANIFEST_FILE)} is missing; ${RESET_HINT}`, { field: 'dir' })
    }
  }
  const sharedEntries: string[] = await readdir(sharedDir).catch(() => [])
  if (sharedEntries.length > 0) throw new TestnetError('NOT_A_TESTNET', `${sharedDir} is not empty and holds no ${COMPOSE_MANIFEST_FILE}; ${RESET_HINT}`, { field: 'dir' })

  const made = createTestnetGenesis({ ...options, validators: hosts.length, members: options.members ?? DEFAULT_MEMBERS })
  const observerKeys = observers.map((_, i) => options.seed !== undefined ? testnetKey(options.seed, 'node', i) : generateKeyPair())
  const keys: KeyPair[] = [...made.validatorKeys, ...observerKeys]
  const ids = await Promise.all([...hosts, ...observers].map(async (name, i) => ({
    name, role: (i < hosts.length ? 'validator' : 'observer') as ComposeRole, did: (keys[i] as KeyPair).did, peerId: (await peerIdOf(keys[i] as KeyPair)).toString()
  })))
  const services = layoutServices(dir, p2pPort, ids)
  await mkdir(sharedDir, { recursive: true })
  const genesisFile = join(sharedDir, GENESIS_FILE)
  await writeJson(genesisFile, made.genesis)
  const members = made.memberKeys.map((k, i) => ({ did: k.did, keyFile: join(sharedDir, KEYS_DIR, `member${i}.key`) }))
  for (const [i, member] of members.entries()) await writeKeyFile(member.keyFile, made.memberKeys[i] as KeyPair)
  for (const [i, service] of services.entries()) {
    if (service.role === 'validator') await initHome({ home: service.home, genesis: genesisFile, keyPair: keys[i] as KeyPair })
    else await writeKeyFile(homePaths(service.home).key, keys[i] as KeyPair)
  }
  const networkId = made.networkId.toString()
  const seed = options.seed ?? null
  // written last: its presence marks a complete testnet
  await writeJson(join(sharedDir, COMPOSE_MANIFEST_FILE), {
    version: 1, network: made.genesis.network, networkId, seed, services: ids, members: members.map((m) => ({ did: m.did }))
  } satisfies ComposeManifest)
  return { dir, sharedDir, genesisFile, networkName: made.genesis.network, networkId, seed, port: p2pPort, services, members, reused: false }
}

async function reuse (manifest: ComposeManifest, options: PrepareComposeOptions, dir: string, hosts: readonly string[], observers: readonly string[], p2pPort: number): Promise<Prepared> {
  const sharedDir = join(dir, COMPOSE_SHARED_DIR)
  const mismatch = (what: string): never => {
    throw new TestnetError('LAYOUT_MISMATCH', `${dir} holds a compose testnet with ${what}; ${RESET_HINT}`, { field: 'dir' })
  }
  const names = (role: ComposeRole): string[] => manifest.services.filter((s) => s.role === role).map((s) => s.name)
  if (names('validator').join(',') !== hosts.join(',')) mismatch(`validators ${names('validator').join(',')}, not ${hosts.join(',')}`)
  if (names('observer').join(',') !== observers.join(',')) mismatch(`observers ${names('observer').join(',') || '(none)'}, not ${observers.join(',') || '(none)'}`)
  if (options.members !== undefined && options.members !== manifest.members.length) mismatch(`${manifest.members.length} members, not ${options.members}`)
  if (options.seed !== undefined && options.seed !== manifest.seed) mismatch(manifest.seed === null ? 'random keys, not a seed' : 'another seed')

  const genesisFile = join(sharedDir, GENESIS_FILE)
  const { networkId, bytes } = await loadGenesisFile(genesisFile, 'compose testnet genesis')
  if (networkId.toString() !== manifest.networkId) {
    throw new TestnetError('BAD_MANIFEST', `${genesisFile} gives network ${networkId.toString()}, ${COMPOSE_MANIFEST_FILE} says ${manifest.networkId}; ${RESET_HINT}`, { field: GENESIS_FILE })
  }
  const services = layoutServices(dir, p2pPort, manifest.services)
  for (const service of services) {
    const paths = homePaths(service.home)
    const key = await readKeyFile(paths.key).catch((err: unknown) => {
      throw new TestnetError('BAD_MANIFEST', `${service.name}: ${(err as Error).message}; ${RESET_HINT}`, { field: service.name, cause: err })
    })
    if (key.did !== service.did) throw new TestnetError('BAD_MANIFEST', `${paths.key} holds ${key.did}, ${COMPOSE_MANIFEST_FILE} says ${service.did}; ${RESET_HINT}`, { field: service.name })
    // an observer has a genesis once it has joined; a validator always has one
    const held = await readFile(paths.genesis).catch(() => undefined)
    if ((held === undefined && service.role === 'validator') || (held !== undefined && Buffer.compare(held, bytes) !== 0)) {
      throw new TestnetError('LAYOUT_MISMATCH', `${paths.genesis} differs from ${genesisFile}; ${RESET_HINT}`, { field: service.name })
    }
  }
  const members = manifest.members.map((m, i) => ({ did: m.did, keyFile: join(sharedDir, KEYS_DIR, `member${i}.key`) }))
  return { dir, sharedDir, genesisFile, networkName: manifest.network, networkId: manifest.networkId, seed: manifest.seed, port: p2pPort, services, members, reused: true }
}

/** chown of `path` and everything below it (no symlinks are written here, so none are followed). */
async function chownTree (path: string, uid: number, gid: number): Promise<void> {
  if (!await exists(path)) return
  await chown(path, uid, gid)
  const entries = await readdir(path, { recursive: true })
  for (const entry of entries) await chown(join(path, entry), uid, gid)
}
