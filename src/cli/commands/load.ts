/**
 * `icn load`: a load generator. Signs transfers from many funded accounts ahead of time, submits them
 * at --rate over every node API given (each account always to the same node), follows them into
 * finalized blocks and prints throughput and latency (finalization seen − the transfer's signed
 * timestamp, which is its due time). Accounts and APIs come from flags, or from a testnet directory:
 *
 *   icn load --testnet .testnet --rate 200 --duration 30
 *   icn load --api http://127.0.0.1:8080,http://127.0.0.1:8081 --key a.key --key b.key --rate 20
 *
 * Exit codes: 0 every accepted transfer was finalized; 1 some were not, or a node failed; 2 a bad
 * flag or accounts that cannot pay for the run (named).
 */
import { InvalidArgumentError, Option, type Command } from 'commander'
import { resolve } from 'node:path'
import type { KeyPair } from '../../identity/index.ts'
import { readKeyFile } from '../../identity/keyfile.ts'
import { LoadError, LOAD_USAGE_CODES, MAX_RATE, formatReport, runLoad, type LoadProgress } from '../../load/index.ts'
import { loadTestnet } from '../../testnet/index.ts'
import { UsageError } from '../errors.ts'
import { formatFields, type CliIo } from '../io.ts'
import { resolveApiUrl } from './api-client.ts'

interface LoadFlags {
  api: string[]
  testnet?: string
  key: string[]
  accounts?: number
  rate: number
  duration: number
  amount: number
  warmup?: number
  drainTimeout: number
  inFlight: number
  json?: boolean
  quiet?: boolean
}

function positive (max: number, integer: boolean): (text: string) => number {
  return (text) => {
    const value = Number(text.trim())
    if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isSafeInteger(value))) {
      throw new InvalidArgumentError(`must be a positive ${integer ? 'whole ' : ''}number up to ${max}.`)
    }
    return value
  }
}

function collect (value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')]
}

/** APIs and funded keys from the flags, or from the testnet directory (its nodes and member keys). */
async function accountsAndApis (flags: LoadFlags, io: CliIo): Promise<{ apis: string[], keys: KeyPair[] }> {
  let apis = flags.api.map((a) => resolveApiUrl(a, io.env))
  let keyFiles = flags.key.map((k) => resolve(io.cwd, k))
  if (flags.testnet !== undefined) {
    const testnet = await loadTestnet(resolve(io.cwd, flags.testnet))
    if (testnet === undefined) throw new UsageError(`--testnet: ${flags.testnet} holds no testnet (no testnet.json)`)
    if (apis.length === 0) apis = testnet.nodes.map((n) => n.apiUrl)
    if (keyFiles.length === 0) keyFiles = testnet.members.map((m) => m.keyFile)
  }
  if (apis.length === 0) apis = [resolveApiUrl(undefined, io.env)]
  if (keyFiles.length === 0) throw new UsageError('give the sending accounts: --key FILE (several times) or --testnet DIR')
  if (flags.accounts !== undefined) {
    if (flags.accounts > keyFiles.length) throw new UsageError(`--accounts ${flags.accounts}: only ${keyFiles.length} key files given`)
    keyFiles = keyFiles.slice(0, flags.accounts)
  }
  const keys = await Promise.all(keyFiles.map(async (f) => readKeyFile(f)))
  return { apis, keys }
}

function progressLine (p: LoadProgress): string {
  return `${(p.elapsedMs / 1000).toFixed(0).padStart(4)} s  ${p.phase}  due ${p.due}  accepted ${p.submitted}  final ${p.finalized}  pending ${p.pending}  queued ${p.backlog}  height ${p.height}\n`
}

async function runCommand (flags: LoadFlags, io: CliIo): Promise<void> {
  const { apis, keys } = await accountsAndApis(flags, io)
  const controller = new AbortController()
  const onSignal = (): void => { controller.abort() }
  process.once('SIGINT', onSignal)
  let result
  try {
    result = await runLoad({
      apis,
      keys,
      rate: flags.rate,
      durationMs: flags.duration * 1000,
      amount: flags.amount,
      drainTimeoutMs: flags.drainTimeout * 1000,
      maxInFlight: flags.inFlight,
      signal: controller.signal,
      ...(flags.warmup !== undefined ? { warmupMs: flags.warmup * 1000 } : {}),
      ...(flags.quiet === true ? {} : { onProgress: (p: LoadProgress) => { io.stderr.write(progressLine(p)) } })
    })
  } catch (err) {
    if (err instanceof LoadError && LOAD_USAGE_CODES.has(err.code)) throw new UsageError(`${err.field !== undefined ? `${err.field}: ` : ''}${err.message}`)
    throw err
  } finally {
    process.off('SIGINT', onSignal)
  }
  const { report } = result
  if (flags.json === true) io.stdout.write(JSON.stringify(report, null, 2) + '\n')
  else io.stdout.write(formatFields(formatReport(report), ''))
  if (report.unfinalized > 0) throw new Error(`${report.unfinalized} accepted transfers were not final ${flags.drainTimeout} s after sending ended`)
}

export function loadCommand (program: Command, io: CliIo): void {
  program.command('load')
    .description('generate load: signed transfers at a target rate over node APIs, with finality latency')
    .addOption(new Option('--api <url>', 'node API URL (repeat it, or comma-separate several); transfers are spread over all').argParser(collect).default([], 'the testnet\'s nodes, else ICN_API_URL or http://127.0.0.1:8080'))
    .option('--testnet <dir>', 'a testnet directory (icn testnet): its nodes\' APIs and its member keys')
    .addOption(new Option('--key <file>', 'key file of a funded sending account (repeat it; at least 2)').argParser(collect).default([], 'the testnet\'s member keys'))
    .addOption(new Option('--accounts <k>', 'send from the first K accounts only').argParser(positive(100_000, true)))
    .addOption(new Option('--rate <n>', 'offered transfers per second, over all nodes').argParser(positive(MAX_RATE, false)).default(10))
    .addOption(new Option('--duration <s>', 'seconds of sending').argParser(positive(86_400, false)).default(10))
    .addOption(new Option('--amount <credits>', 'credits per transfer (mana cost 100 + amount/100)').argParser(positive(Number.MAX_SAFE_INTEGER, true)).default(1))
    .addOption(new Option('--warmup <s>', 'seconds excluded from throughput and latency (default: duration/5, at most 5)').argParser(positive(86_400, false)))
    .addOption(new Option('--drain-timeout <s>', 'seconds to wait after sending for the last transfers to be final').argParser(positive(86_400, false)).default(30))
    .addOption(new Option('--in-flight <n>', 'batch requests (POST /txs) in flight per node').argParser(positive(4096, true)).default(4))
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress lines on stderr')
    .addHelpText('after', `
Each account always submits to the same node (account i → API i mod N) and pays the next account,
so nonces arrive in order and balances stay level. Every account pays 100 mana per transfer
(SPEC §5): under the default economics a testnet member can send about 75 before its mana runs out;
use many accounts, or a genesis with more mana (economics.manaBase) for long runs.`)
    .action(async (flags: LoadFlags) => { await runCommand(flags, io) })
}
