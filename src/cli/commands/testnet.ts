/**
 * `icn testnet`: writes a genesis with N validators, starts N node processes on 127.0.0.1, prints
 * where each one answers, and runs until SIGINT/SIGTERM, then stops every node cleanly (exit 0).
 * Node i listens for libp2p on --base-port + i and serves its API on --api-base-port + i. A directory
 * that already holds a testnet is restarted as it is (same chain) unless --fresh.
 * `icn testnet prepare` only writes the homes of a container testnet (docker-compose.yml's init step).
 */
import { InvalidArgumentError, Option, type Command } from 'commander'
import { resolve } from 'node:path'
import { LOG_LEVELS, type LogLevel } from '../../config/index.ts'
import { formatPretty } from '../../log/index.ts'
import {
  COMPOSE_SHARED_DIR, DEFAULT_API_BASE_PORT, DEFAULT_BASE_PORT, DEFAULT_COMPOSE_API_PORT, DEFAULT_COMPOSE_HOSTS, DEFAULT_COMPOSE_P2P_PORT,
  DEFAULT_DIR, DEFAULT_HOST, DEFAULT_MEMBERS, DEFAULT_VALIDATORS, MAX_MEMBERS, MAX_NODES
} from '../../testnet/constants.ts'
import { TestnetError, TESTNET_USAGE_CODES } from '../../testnet/errors.ts'
import type { NodeLayout, PreparedTestnet, Supervisor } from '../../testnet/index.ts'
import { UsageError } from '../errors.ts'
import { formatFields, type CliIo } from '../io.ts'

interface TestnetFlags {
  validators: number
  members?: number
  dir: string
  basePort: number
  apiBasePort: number
  fresh?: boolean
  logs?: boolean
  seed?: string
  genesisTime?: number
  logLevel: LogLevel
  exitOnFailure?: boolean
}

/** A commander parser for a whole number in [min, max]; commander names the flag in its error. */
function wholeNumber (min: number, max: number): (text: string) => number {
  return (text) => {
    const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN
    if (!Number.isSafeInteger(value) || value < min || value > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`)
    return value
  }
}

function warnings (n: number): string[] {
  if (n >= 4) return []
  const out = [`${n} validator${n === 1 ? '' : 's'} tolerate${n === 1 ? 's' : ''} no stopped or faulty validator: BFT needs 3f + 1 validators to survive f faults (4 survive one)`]
  if (n < 3) out.push(`consensus.minValidators is lowered to ${n} in this testnet's genesis (default 3)`)
  return out
}

function memberKeysLine (t: PreparedTestnet): string {
  const files = t.members.map((m) => m.keyFile)
  if (files.length === 0) return '(none)'
  return files.length === 1 ? files[0] ?? '' : `${files[0] ?? ''} … ${t.members[files.length - 1]?.name ?? ''}.key`
}

/**
 * A signal this soon after the first is the same Ctrl-C delivered twice: the terminal signals the
 * whole foreground process group, and npm (`npm start`, `npx`) forwards the signal to its child too.
 */
const REPEAT_GRACE_MS = 1_000

/** Resolves on the first SIGINT/SIGTERM/SIGHUP; `onRepeat` runs on each later, deliberate one. */
function shutdownSignals (onRepeat: (s: NodeJS.Signals) => void): { received: Promise<NodeJS.Signals>, dispose: () => void } {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  let first: (s: NodeJS.Signals) => void = () => {}
  const received = new Promise<NodeJS.Signals>((resolve) => { first = resolve })
  let firstAt: number | undefined
  const onSignal = (s: NodeJS.Signals): void => {
    if (firstAt === undefined) {
      firstAt = Date.now()
      first(s)
    } else if (Date.now() - firstAt >= REPEAT_GRACE_MS) {
      onRepeat(s)
    }
  }
  for (const s of signals) process.on(s, onSignal)
  return { received, dispose: () => { for (const s of signals) process.off(s, onSignal) } }
}

function toUsage (err: unknown): unknown {
  return err instanceof TestnetError && TESTNET_USAGE_CODES.has(err.code) ? new UsageError(err.message) : err
}

export function testnetCommand (program: Command, io: CliIo): void {
  const testnet = program.command('testnet')
    .description('run a local testnet: N validator nodes on 127.0.0.1 until Ctrl-C')
    .addOption(new Option('--validators <n>', `number of validator nodes (1–${MAX_NODES}; fewer than 4 tolerate no fault)`).argParser(wholeNumber(1, MAX_NODES)).default(DEFAULT_VALIDATORS))
    .addOption(new Option('--members <n>', `member key files in <dir>/keys/ for sending transactions (default: ${DEFAULT_MEMBERS} for a new testnet)`).argParser(wholeNumber(0, MAX_MEMBERS)))
    .option('--dir <dir>', 'testnet directory: genesis, member keys, one home per node', DEFAULT_DIR)
    .addOption(new Option('--base-port <port>', 'libp2p TCP port of node0; node i uses port + i').argParser(wholeNumber(1, 65535)).default(DEFAULT_BASE_PORT))
    .addOption(new Option('--api-base-port <port>', 'HTTP API port of node0; node i uses port + i').argParser(wholeNumber(1, 65535)).default(DEFAULT_API_BASE_PORT))
    .option('--fresh', 'delete the testnet in --dir and create a new one (default: restart the existing one)')
    .option('--logs', 'also print every node\'s log on the console, prefixed with its name')
    .option('--seed <text>', 'derive every key from this text instead of random keys (a new testnet only)')
    .addOption(new Option('--genesis-time <ms>', 'genesis block time in ms since 1970, for a new testnet (default: now, rounded down to the second)').argParser(wholeNumber(0, Number.MAX_SAFE_INTEGER)))
    .addOption(new Option('--log-level <level>', 'log level of the nodes').choices(LOG_LEVELS).default('info'))
    .option('--exit-on-failure', 'stop every node and exit 1 when one exits unexpectedly (default: report it and keep running)')
    .addHelpText('after', `
Ports: node i listens for peers on /ip4/${DEFAULT_HOST}/tcp/<base-port + i> and serves its HTTP API on
http://${DEFAULT_HOST}:<api-base-port + i> (defaults ${DEFAULT_BASE_PORT} + i and ${DEFAULT_API_BASE_PORT} + i).
Each node's output goes to <dir>/node<i>/node.log. Ctrl-C stops every node cleanly.
Another node joins with (docs/join.md): icn join --home <new home> --genesis <dir>/genesis.json
  --bootstrap <the printed bootstrap address> --listen /ip4/127.0.0.1/tcp/0 --api 127.0.0.1:0
Container testnets: icn testnet prepare --help, docker-compose.yml, docs/docker.md.`)
    .action(async (flags: TestnetFlags) => {
      const { checkPortPlan } = await import('../../testnet/layout.ts')
      try {
        checkPortPlan({ host: DEFAULT_HOST, basePort: flags.basePort, apiBasePort: flags.apiBasePort, nodes: flags.validators })
      } catch (err) {
        throw toUsage(err)
      }
      for (const warning of warnings(flags.validators)) io.stderr.write(`icn testnet: warning: ${warning}\n`)
      await runTestnet(flags, io).catch((err: unknown) => { throw toUsage(err) })
    })
  prepareCommand(testnet, io)
}

/** Options of `icn testnet` that `prepare` reads (commander parses them on the parent, wherever they appear). */
interface PrepareGlobals {
  dir: string
  members?: number
  seed?: string
  genesisTime?: number
  logLevel: LogLevel
}

interface PrepareFlags {
  hosts: string
  observers?: string
  port: number
  apiPort: number
  chown?: { uid: number, gid: number }
}

/** testnet options that mean nothing to prepare: refused rather than silently ignored. */
const NOT_FOR_PREPARE: ReadonlyArray<readonly [string, string]> = [
  ['validators', '--validators (prepare takes --hosts)'], ['basePort', '--base-port (prepare takes --port)'],
  ['apiBasePort', '--api-base-port (prepare takes --api-port)'], ['fresh', '--fresh'], ['logs', '--logs'], ['exitOnFailure', '--exit-on-failure']
]

function names (text: string): string[] {
  return text.split(',').map((n) => n.trim()).filter((n) => n !== '')
}

function owner (text: string): { uid: number, gid: number } {
  const m = /^(\d+):(\d+)$/.exec(text.trim())
  if (m === null) throw new InvalidArgumentError('must be UID:GID, e.g. 1000:1000.')
  return { uid: Number(m[1]), gid: Number(m[2]) }
}

/**
 * `icn testnet prepare`: write the homes of a container testnet without starting anything (the
 * docker-compose.yml `init` service runs it). See src/testnet/compose.ts for the layout.
 */
function prepareCommand (testnet: Command, io: CliIo): void {
  testnet.command('prepare')
    .description('write homes for a container testnet (docker-compose.yml): one per service, peers addressed by service name')
    .option('--hosts <names>', 'validator service names, comma-separated', DEFAULT_COMPOSE_HOSTS.join(','))
    .option('--observers <names>', 'observer service names, comma-separated: each gets a key and joins with `icn join`')
    .addOption(new Option('--port <port>', 'libp2p TCP port inside every container').argParser(wholeNumber(1, 65535)).default(DEFAULT_COMPOSE_P2P_PORT))
    .addOption(new Option('--api-port <port>', 'HTTP API port inside every container').argParser(wholeNumber(1, 65535)).default(DEFAULT_COMPOSE_API_PORT))
    .addOption(new Option('--chown <uid:gid>', 'hand every written file to this owner (init runs as root; the nodes run as uid 1000)').argParser(owner))
    .addHelpText('after', `
Also takes these options of icn testnet: --dir <dir> (required: the directory the service volumes are
mounted under; <dir>/<service>/ per node, <dir>/${COMPOSE_SHARED_DIR}/ for the genesis, manifest and member keys),
--seed <text> (derive every key from it: known in advance, demo networks only), --genesis-time <ms>,
--members <n> and --log-level <level>. A directory that already holds this testnet is checked and kept.`)
    .action(async (flags: PrepareFlags, command: Command) => {
      const parent = command.parent as Command
      const given = NOT_FOR_PREPARE.filter(([key]) => parent.getOptionValueSource(key) === 'cli').map(([, flag]) => flag)
      if (given.length > 0) throw new UsageError(`not options of testnet prepare: ${given.join(', ')}`)
      if (parent.getOptionValueSource('dir') !== 'cli') throw new UsageError('testnet prepare: --dir <dir> is required (the directory the service volumes are mounted under)')
      const g = parent.opts<PrepareGlobals>()
      const { prepareComposeTestnet } = await import('../../testnet/compose.ts')
      const t = await prepareComposeTestnet({
        dir: resolve(io.cwd, g.dir),
        hosts: names(flags.hosts),
        observers: names(flags.observers ?? ''),
        port: flags.port,
        apiPort: flags.apiPort,
        logLevel: g.logLevel,
        ...(g.members !== undefined ? { members: g.members } : {}),
        ...(g.seed !== undefined ? { seed: g.seed } : {}),
        ...(g.genesisTime !== undefined ? { genesisTime: g.genesisTime } : {}),
        ...(flags.chown !== undefined ? { owner: flags.chown } : {})
      }).catch((err: unknown) => { throw toUsage(err) })
      const first = t.services[0]
      io.stdout.write(`icn testnet prepare: ${t.reused ? 'kept the existing testnet' : 'wrote a new testnet'} in ${t.dir}\n` + formatFields([
        ['network', `${t.networkName} (${t.networkId})`],
        ['genesis', t.genesisFile],
        ['member keys', `${t.members.length} in ${t.sharedDir}/keys/`],
        ...t.services.map((s) => [s.name, `${s.role} ${s.did}`] as const),
        ['bootstrap', first?.p2pAddr ?? '']
      ]))
      for (const s of t.services.filter((x) => x.role === 'observer')) {
        io.stdout.write(`${s.name} joins with: icn join --home <its volume> --genesis <shared volume>/${COMPOSE_SHARED_DIR}/genesis.json --bootstrap ${first?.p2pAddr ?? ''}\n`)
      }
    })
}

async function runTestnet (flags: TestnetFlags, io: CliIo): Promise<void> {
  // the testnet modules spawn processes and pull in the ledger: load them only for this command
  const { prepareTestnet, portsInUse, planPorts, createSupervisor, formatNodeTable, failureMessage, describeExit } = await import('../../testnet/index.ts')
  const testnet = await prepareTestnet({
    dir: resolve(io.cwd, flags.dir),
    validators: flags.validators,
    basePort: flags.basePort,
    apiBasePort: flags.apiBasePort,
    logLevel: flags.logLevel,
    ...(flags.members !== undefined ? { members: flags.members } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.genesisTime !== undefined ? { genesisTime: flags.genesisTime } : {}),
    ...(flags.fresh === true ? { fresh: true } : {})
  })
  const n = testnet.nodes.length
  const v = testnet.nodes.filter((node) => node.role === 'validator').length
  const plural = (k: number, word: string): string => `${k} ${word}${k === 1 ? '' : 's'}`
  io.stdout.write(`icn testnet: ${plural(v, 'validator')}${n > v ? ` and ${plural(n - v, 'other node')}` : ''} on ${testnet.host}\n` + formatFields([
    ['directory', `${testnet.dir} (${testnet.reused ? 'existing testnet: its chain restarts' : 'new'})`],
    ['network', `${testnet.networkName} (${testnet.networkId})`],
    ['genesis', testnet.genesisFile],
    ['member keys', memberKeysLine(testnet)],
    ['logs', `${testnet.dir}/node<i>/node.log`]
  ]))

  const ports = planPorts({ host: testnet.host, basePort: testnet.basePort, apiBasePort: testnet.apiBasePort, nodes: n })
  const busy = await portsInUse(testnet.host, ports)
  if (busy.length > 0) {
    throw new TestnetError('PORT_IN_USE', `port${busy.length === 1 ? '' : 's'} ${busy.join(', ')} already in use on ${testnet.host} (another testnet running?); stop it or choose other ports with --base-port / --api-base-port`)
  }

  let failure: TestnetError | undefined
  let forced = false
  // until every node answered, a node that dies fails the start, which reports it
  let started = false
  let resolveFailure: () => void = () => {}
  const failed = new Promise<void>((resolve) => { resolveFailure = resolve })
  const width = Math.max(...testnet.nodes.map((node) => node.name.length))
  const onLog = (node: NodeLayout, line: string): void => {
    const text = formatPretty(line)
    io.stdout.write(`${node.name.padEnd(width)} | ${text.endsWith('\n') ? text : `${text}\n`}`)
  }
  const supervisor: Supervisor = createSupervisor({
    testnet,
    ...(flags.logs === true ? { onLog } : {}),
    onUnexpectedExit: (node, exit, tail) => {
      if (!started) return
      io.stderr.write(`icn testnet: ${failureMessage(node, `exited unexpectedly (${describeExit(exit)})`, tail)}\n`)
      const alive = testnet.nodes.filter((_, i) => supervisor.state(i) !== 'stopped').length
      if (flags.exitOnFailure === true || alive === 0) {
        failure ??= new TestnetError('NODE_FAILED', alive === 0 ? 'every node has exited' : `${node.name} exited unexpectedly (${describeExit(exit)}); --exit-on-failure stops the testnet`, { field: node.name })
        resolveFailure()
      }
    }
  })
  const signals = shutdownSignals((s) => {
    forced = true
    io.stderr.write(`icn testnet: ${s} again: killing every node without a clean shutdown\n`)
    for (const node of testnet.nodes) void supervisor.kill(node.index, 'SIGKILL')
  })

  try {
    io.stdout.write(`starting ${plural(n, 'node')}…\n`)
    const starting = supervisor.startAll()
    starting.catch(() => {})
    const first = await Promise.race([starting.then((s) => ({ statuses: s })), signals.received.then((s) => ({ signal: s }))])
    if ('statuses' in first) {
      started = true
      const [from, to] = testnet.members
      const hints: Array<[string, string]> = [['bootstrap', testnet.nodes[0]?.p2pAddr ?? '']]
      if (from !== undefined && to !== undefined) {
        hints.push(['send', `npx icn tx transfer --key ${from.keyFile} --to ${to.did} --amount 10 --api ${testnet.nodes[0]?.apiUrl ?? ''}`])
      }
      io.stdout.write('\n' + formatNodeTable(testnet.nodes, first.statuses) + '\n' + formatFields(hints, '') + '\ntestnet running; press Ctrl-C to stop\n')
      await Promise.race([signals.received, failed])
    }
  } catch (err) {
    // the full report (with the node's log tail) goes out now; the error line at exit stays one line
    const message = (err as Error).message
    const [head = message, ...tail] = message.split('\n')
    if (tail.length > 0) io.stderr.write(`icn testnet: ${message}\n`)
    failure ??= new TestnetError(err instanceof TestnetError ? err.code : 'NODE_FAILED', head, { cause: err })
  } finally {
    const running = testnet.nodes.filter((_, i) => supervisor.state(i) !== 'stopped')
    io.stdout.write(`stopping ${plural(running.length, 'node')}…\n`)
    const exits = await supervisor.stopAll()
    for (const node of running) {
      const exit = exits[node.index]
      io.stdout.write(`  ${node.name}: stopped (${exit === undefined ? 'not running' : describeExit(exit)})\n`)
    }
    signals.dispose()
  }
  if (failure !== undefined) throw failure
  if (forced) throw new TestnetError('INTERRUPTED', 'nodes were killed by a second signal; their databases recover at the next start')
  io.stdout.write('testnet stopped\n')
}
