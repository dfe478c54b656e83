/**
 * `icn join --genesis FILE --bootstrap MULTIADDR… --home DIR`: become a peer of an existing federation
 * with only its genesis and one reachable node. The home is prepared if it needs to be (a key is
 * generated unless one is there, the genesis copied, a config.json written with the bootstrap list),
 * then the node runs exactly as `icn start` runs it: it syncs from its peers, follows the chain, and
 * votes once the chain makes its DID a validator. Exits 2 when every bootstrap peer refuses it at the
 * handshake for belonging to another network (the wrong genesis), instead of waiting forever alone.
 */
import { access, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { Option, type Command } from 'commander'
import {
  ConfigError, KEYS, resolveConfig, starterConfig, describeKey, urlHost, type ConfigLayer, type FlagValues, type ResolvedConfig
} from '../../config/index.ts'
import { createLogger } from '../../log/index.ts'
import { homePaths, initHome, isInitialised } from '../../node/home.ts'
import { loadGenesisFile } from '../../node/genesis-file.ts'
import type { Node } from '../../node/node.ts'
import type { PeerRefusedDetail } from '../../network/index.ts'
import { UsageError } from '../errors.ts'
import { formatFields, type CliIo } from '../io.ts'
import { shutdownSignal } from '../signals.ts'

/** Flags of `icn join`: the configuration keys `icn start` takes (same names, same env variables). */
const JOIN_KEYS = ['home', 'genesis', 'bootstrap', 'listen', 'announce', 'api', 'logLevel', 'logFormat', 'network.maxConnections']
const JOIN_DOCS: Record<string, string> = {
  genesis: 'the federation\'s genesis file, copied into the home',
  bootstrap: 'a reachable node of the federation, /…/tcp/<port>/p2p/<peer id>; repeatable',
  home: 'node home; created if missing (a key is generated unless <home>/node.key exists)'
}
const REQUIRED = new Set(['genesis', 'bootstrap'])
/** Handshake refusals that no retry can cure: the peer runs another network or protocol. */
const FATAL_REFUSALS: ReadonlySet<string> = new Set(['NETWORK_MISMATCH', 'PROTOCOL_VERSION'])
/** How often progress (caught up, joined the validator set) is checked for the console. */
const PROGRESS_POLL_MS = 1_000

async function exists (path: string): Promise<boolean> {
  return access(path).then(() => true, () => false)
}


interface PreparedHome {
  /** The home did not exist (or was empty) before this run: nothing of the operator's is in it. */
  created: boolean
  /** What this run wrote, for the console. */
  wrote: string[]
}

/**
 * Makes `home` a home of the genesis' network: keeps a key that is there (an operator may create and
 * register the key first), refuses a home of another network, copies the genesis, and writes a
 * config.json with the bootstrap list (and listen/announce/API addresses given now) if there is none.
 */
async function prepareHome (resolved: ResolvedConfig): Promise<PreparedHome> {
  const { config } = resolved
  const paths = homePaths(config.home)
  const given = await loadGenesisFile(config.genesis, describeKey(resolved, 'genesis'))
  const created = (await readdir(paths.home).catch(() => [])).length === 0
  if (await exists(paths.genesis)) {
    const held = await loadGenesisFile(paths.genesis, 'the home\'s genesis')
    if (held.networkId.toString() !== given.networkId.toString()) {
      throw new ConfigError('INVALID_VALUE', 'genesis', resolved.sources.genesis ?? { kind: 'default', name: '' },
        `${config.home} already belongs to network ${held.networkId.toString()}, but ${config.genesis} is network ${given.networkId.toString()}; join with another --home`)
    }
  }
  const wrote: string[] = []
  const hadConfig = await exists(paths.config)
  if (!await isInitialised(config.home)) {
    await initHome({ home: config.home, genesis: config.genesis })
    wrote.push('key', 'genesis')
  } else if (!await exists(paths.genesis)) {
    await mkdir(paths.home, { recursive: true, mode: 0o700 })
    await writeFile(paths.genesis, given.bytes, { mode: 0o644 })
    wrote.push('genesis')
  }
  if (!hadConfig) {
    const chosen = (key: 'listen' | 'announce' | 'api'): boolean => (resolved.sources[key]?.kind ?? 'default') !== 'default'
    const file: ConfigLayer = {
      ...starterConfig(),
      bootstrap: config.bootstrap,
      ...(chosen('listen') ? { listen: config.listen } : {}),
      ...(chosen('announce') ? { announce: config.announce } : {}),
      ...(chosen('api') ? { api: config.api === null ? 'off' : `${urlHost(config.api.host)}:${config.api.port}` } : {})
    }
    await writeFile(paths.config, JSON.stringify(file, null, 2) + '\n', { mode: 0o644 })
    wrote.push('config.json')
  }
  return { created, wrote }
}

/** Peer ids named by the bootstrap addresses. */
function bootstrapPeers (bootstrap: readonly string[]): Set<string> {
  return new Set(bootstrap.map((a) => /\/p2p\/([^/]+)$/.exec(a)?.[1]).filter((id): id is string => id !== undefined))
}

/** The steps to validate, with this node's DID, key and API filled in (docs/join.md explains them). */
function validatorSteps (node: Node, api: string): string {
  const points = Math.ceil(node.genesis.consensus.minValidatorReputation / 1000)
  const key = homePaths(node.config.home).key
  return `to become a validator (docs/join.md):
  1. a member registers this DID:  icn tx register-member --key <member key> --did ${node.did} --name <name> --api <a node's API>
  2. members attest to its work until its total reputation is at least ${points} points:
                                   icn tx attest --key <member key> --subject ${node.did} --category development --score 10 --api <a node's API>
  3. it declares its candidacy:    icn tx validator-candidacy --key ${key} --active true --api ${api}
  it votes from the first height whose validator set includes it ("validator": true in GET /status)
`
}

/** One-shot console lines: caught up with the peers; entered (or left) the validator set. */
function watchProgress (node: Node, io: CliIo): () => void {
  let caughtUp = false
  let validator = false
  const timer = setInterval(() => {
    const s = node.status()
    if (!caughtUp && s.verifiedPeers > 0 && !s.syncing && s.syncTarget !== null && (s.height ?? -1) >= s.syncTarget) {
      caughtUp = true
      io.stdout.write(`caught up at height ${s.height ?? 0}; following the chain\n`)
    }
    if (s.validator !== validator) {
      validator = s.validator
      io.stdout.write(validator ? `in the validator set from height ${(s.height ?? 0) + 1}: voting\n` : `left the validator set at height ${s.height ?? 0}\n`)
    }
  }, PROGRESS_POLL_MS)
  timer.unref()
  return () => { clearInterval(timer) }
}

export function joinCommand (program: Command, io: CliIo): void {
  const command = program.command('join')
    .description('join an existing federation with its genesis and a bootstrap address; runs until SIGINT/SIGTERM')
  for (const spec of KEYS) {
    if (spec.flag === undefined || !JOIN_KEYS.includes(spec.key)) continue
    const given = REQUIRED.has(spec.key) ? 'required' : `default ${spec.default}`
    command.addOption(new Option(`${spec.flag} <${spec.arg ?? 'value'}>`, `${JOIN_DOCS[spec.key] ?? spec.doc} (env ${spec.env}; ${given})`))
  }
  command.option('--config <file>', 'config file to read instead of <home>/config.json (env ICN_CONFIG)')
    .addHelpText('after', `
Example:
  icn join --home ~/.icn-coop --genesis genesis.json \\
    --bootstrap /dns4/node0.example.org/tcp/4001/p2p/12D3KooW… --api 127.0.0.1:8080
The node syncs from its peers and follows the chain; \`icn start --home <dir>\` restarts it later.
It validates once the chain makes its DID a validator: see docs/join.md.`)
    .action(async (opts: FlagValues) => { await join(opts, io) })
}

async function join (opts: FlagValues, io: CliIo): Promise<void> {
  const first = await resolveConfig({ flags: opts, env: io.env, cwd: io.cwd })
  for (const warning of first.warnings) io.stderr.write(`icn: warning: ${warning}\n`)
  const missing: string[] = []
  if (first.sources.genesis?.kind === 'default') missing.push('--genesis <file> (or ICN_GENESIS): the federation\'s genesis')
  if (first.config.bootstrap.length === 0) missing.push('--bootstrap <multiaddr> (or ICN_BOOTSTRAP): a node of the federation, ending in /p2p/<peer id>')
  if (missing.length > 0) throw new UsageError(`join needs ${missing.join(' and ')}`)

  const home = await prepareHome(first)
  if (home.wrote.length > 0) io.stdout.write(`prepared ${first.config.home} (${home.wrote.join(', ')})\n`)
  // From now on the node reads the home's copy of the genesis, as `icn start --home` will.
  const resolved = await resolveConfig({ flags: opts, env: io.env, cwd: io.cwd, overrides: { genesis: homePaths(first.config.home).genesis } })
  const { config } = resolved
  const logger = createLogger({ level: config.logLevel, format: config.logFormat })
  const { createNode } = await import('../../node/node.ts')
  const node = await createNode(config, { logger, genesisOrigin: `genesis (copied from ${first.config.genesis})` })

  // Refusals by bootstrap peers that no retry can cure; all of them and no other peer means the wrong genesis.
  const wanted = bootstrapPeers(config.bootstrap)
  wanted.delete(node.peerId.toString())
  const refused = new Map<string, PeerRefusedDetail>()
  let verified = false
  let isHopeless = false
  let resolveHopeless: () => void = () => {}
  const hopeless = new Promise<void>((resolve) => { resolveHopeless = resolve })
  node.host.addEventListener('peer:verified', () => { verified = true })
  node.host.addEventListener('peer:refused', (evt) => {
    const detail = evt.detail
    if (!wanted.has(detail.peerId) || !FATAL_REFUSALS.has(detail.reason)) return
    refused.set(detail.peerId, detail)
    // with one bootstrap peer the final error says it all; with several, each refusal is news
    if (wanted.size > 1) io.stderr.write(`icn: bootstrap peer ${detail.peerId} refused this node at the handshake (${detail.reason}): ${detail.message}\n`)
    if (!verified && refused.size === wanted.size) {
      isHopeless = true
      resolveHopeless()
    }
  })

  const signal = shutdownSignal(io)
  let stopProgress = (): void => {}
  let failure: Error | undefined
  try {
    await node.start()
    const status = node.status()
    if (!isHopeless) {
      io.stdout.write(`icn node joining ${node.genesis.network}\n` + formatFields([
        ['peer id', status.peerId],
        ['did', status.did],
        ['network id', status.networkId],
        ...status.listenAddrs.map((a) => ['listen', a] as const),
        ['api', status.api ?? 'off'],
        ['home', config.home],
        ...config.bootstrap.map((a) => ['bootstrap', a] as const)
      ]) + validatorSteps(node, status.api ?? '<this node\'s API>'))
      stopProgress = watchProgress(node, io)
    }
    const outcome = await Promise.race([signal.received.then((s) => ({ signal: s })), hopeless.then(() => ({ hopeless: true }))])
    if ('signal' in outcome) {
      logger.child({ module: 'cli' }).info({ signal: outcome.signal }, 'shutting down')
    } else {
      const [detail] = refused.values()
      const removed = home.created ? `; ${config.home} was created by this run and has been removed` : ''
      failure = new ConfigError('INVALID_VALUE', 'genesis', first.sources.genesis ?? { kind: 'default', name: '' },
        `every bootstrap peer refused this node at the handshake (${detail?.reason ?? 'NETWORK_MISMATCH'}: ${detail?.message ?? 'another network'}): ` +
        `${first.config.genesis} is not the genesis of the federation they run${removed}`)
    }
  } finally {
    stopProgress()
    await node.stop()
    signal.dispose()
  }
  if (failure !== undefined) {
    if (home.created) await rm(config.home, { recursive: true, force: true })
    throw failure
  }
  io.stdout.write('icn node stopped\n')
}
