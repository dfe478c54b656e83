/**
 * `icn tx <type> --key FILE [--api URL] [--nonce N] [--priority P] [--wait] …`: build, sign and submit
 * a transaction of any type (one subcommand per type, flags for its payload; see tx-types.ts), and
 * `icn tx status <id>`. The network id and shard count come from the node's GET /status, the nonce
 * from GET /accounts/:did unless --nonce is given, the timestamp from this machine's clock.
 * Exit codes: 0 submitted (or final with --wait), 2 a bad flag (named), 1 a refusal (the node's code
 * and message are printed), an unreachable node, or a transaction that failed in its block.
 */
import type { Command } from 'commander'
import { resolve } from 'node:path'
import { readKeyFile } from '../../identity/keyfile.ts'
import { TxError, PRIORITY_MAX, PRIORITY_MIN } from '../../ledger/index.ts'
import { UsageError } from '../errors.ts'
import { formatFields, type CliIo } from '../io.ts'
import { apiClient, resolveApiUrl, sendTx, waitForTx, type TxStatusJson } from './api-client.ts'
import { TX_COMMANDS, flagFor, integer, type Opts, type TxCommandSpec } from './tx-types.ts'

/** How long --wait waits for finality by default. */
export const DEFAULT_WAIT_TIMEOUT_MS = 60_000

interface CommonOpts {
  key: string
  api?: string
  nonce?: string
  priority?: string
  wait?: boolean
  waitTimeout?: string
  json?: boolean
}

function collect (value: string, previous: string[]): string[] {
  return [...previous, value]
}

function waitTimeout (opts: { waitTimeout?: string }): number {
  if (opts.waitTimeout === undefined) return DEFAULT_WAIT_TIMEOUT_MS
  const ms = integer(opts.waitTimeout, '--wait-timeout')
  if (ms <= 0) throw new UsageError('--wait-timeout: must be a positive number of milliseconds')
  return ms
}

function envelopeOptions (opts: CommonOpts): { nonce?: number, priority?: number } {
  const out: { nonce?: number, priority?: number } = {}
  if (opts.nonce !== undefined) {
    out.nonce = integer(opts.nonce, '--nonce')
    if (out.nonce < 0) throw new UsageError('--nonce: must not be negative')
  }
  if (opts.priority !== undefined) {
    out.priority = integer(opts.priority, '--priority')
    if (out.priority < PRIORITY_MIN || out.priority > PRIORITY_MAX) throw new UsageError(`--priority: must be from ${PRIORITY_MIN} to ${PRIORITY_MAX}`)
  }
  return out
}

/** Human lines for a final (or dropped) status. */
function outcomeFields (status: TxStatusJson): Array<[string, string]> {
  if (status.status !== 'final' || status.receipt === undefined) return [['status', status.status]]
  return [
    ['status', 'final'],
    ['height', String(status.height)],
    ['ok', String(status.receipt.ok)],
    ...(status.receipt.code !== null ? [['code', status.receipt.code] as [string, string]] : []),
    ['mana', String(status.receipt.mana)]
  ]
}

/** A final transaction that failed, or one the node dropped, is a failure of the command. */
function checkOutcome (status: TxStatusJson): void {
  if (status.status === 'unknown') throw new Error(`transaction ${status.id} was dropped by the node before it reached a block`)
  if (status.status === 'final' && status.receipt?.ok === false) {
    throw new Error(`transaction ${status.id} failed in block ${status.height ?? '?'}: ${status.receipt.code ?? 'unknown reason'}`)
  }
}

async function runTx (spec: TxCommandSpec, opts: CommonOpts & Opts, io: CliIo): Promise<void> {
  const envelope = envelopeOptions(opts)
  const timeoutMs = waitTimeout(opts)
  const client = apiClient(resolveApiUrl(opts.api, io.env))
  const payload = await spec.payload(opts, io.cwd)
  const key = await readKeyFile(resolve(io.cwd, opts.key))
  let sent
  try {
    sent = await sendTx(client, { key, type: spec.type, payload: payload as never, ...envelope })
  } catch (err) {
    // the payload schema found a bad value: name the flag that set it
    if (err instanceof TxError && err.code === 'MALFORMED') throw new UsageError(`${flagFor(spec, err.field)}: ${err.reason}`)
    throw err
  }
  const summary = { id: sent.id, type: spec.type, from: key.did, nonce: sent.tx.nonce }
  let final: TxStatusJson | undefined
  if (opts.wait === true) final = await waitForTx(client, sent.id, { timeoutMs })
  if (opts.json === true) {
    io.stdout.write(JSON.stringify({ ...summary, status: final?.status ?? 'pending', ...(final?.height !== undefined ? { height: final.height, receipt: final.receipt } : {}) }) + '\n')
  } else {
    io.stdout.write('submitted\n' + formatFields([
      ['id', summary.id], ['type', summary.type], ['from', summary.from], ['nonce', String(summary.nonce)],
      ...(final === undefined ? [['status', 'pending'] as [string, string]] : outcomeFields(final))
    ]))
  }
  if (final !== undefined) checkOutcome(final)
}

function addCommonOptions (command: Command): Command {
  return command
    .requiredOption('--key <file>', 'member key file that signs (icn keys generate --out FILE)')
    .option('--api <url>', 'node API URL (env ICN_API_URL; default http://127.0.0.1:8080)')
    .option('--nonce <n>', 'nonce to use (default: the account\'s next nonce, counting pending transactions)')
    .option('--priority <p>', `mempool priority ${PRIORITY_MIN}–${PRIORITY_MAX} (default ${PRIORITY_MIN})`)
    .option('--wait', 'wait until the transaction is in a final block; print its height and receipt')
    .option('--wait-timeout <ms>', `how long --wait waits (default ${DEFAULT_WAIT_TIMEOUT_MS})`)
    .option('--json', 'print one JSON object')
}

export function txCommand (program: Command, io: CliIo): void {
  const tx = program.command('tx').description('build, sign and submit transactions of every type; look one up')
  for (const spec of TX_COMMANDS) {
    const command = tx.command(spec.name).description(`${spec.description} (${spec.type})`)
    for (const option of spec.options) {
      if (option.repeatable === true) command.option(option.flags, option.description, collect, [])
      else if (option.required === true) command.requiredOption(option.flags, option.description)
      else command.option(option.flags, option.description)
    }
    addCommonOptions(command).action(async (opts: CommonOpts & Opts) => { await runTx(spec, opts, io) })
  }

  tx.command('status <id>')
    .description('a transaction\'s status: pending, final (height and receipt) or unknown')
    .option('--api <url>', 'node API URL (env ICN_API_URL; default http://127.0.0.1:8080)')
    .option('--wait', 'wait until it is no longer pending')
    .option('--wait-timeout <ms>', `how long --wait waits (default ${DEFAULT_WAIT_TIMEOUT_MS})`)
    .action(async (id: string, opts: { api?: string, wait?: boolean, waitTimeout?: string }) => {
      const timeoutMs = waitTimeout(opts)
      const client = apiClient(resolveApiUrl(opts.api, io.env))
      const status = opts.wait === true ? await waitForTx(client, id, { timeoutMs }) : await client.get<TxStatusJson>(`/tx/${encodeURIComponent(id)}`)
      io.stdout.write(JSON.stringify(status, null, 2) + '\n')
    })
}
