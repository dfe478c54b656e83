/**
 * Read-only queries against a node's HTTP API, printed as the API's JSON (indented):
 * `icn status`, `icn block <height|latest>`, `icn account <did>`, `icn member <did>`,
 * `icn reputation <did>`. Each takes --api URL (env ICN_API_URL; default http://127.0.0.1:8080).
 * Exit 1 when the node answers with an error (its code and message are printed) or cannot be reached.
 */
import type { Command } from 'commander'
import type { CliIo } from '../io.ts'
import { apiClient, resolveApiUrl } from './api-client.ts'

interface Query {
  name: string
  description: string
  /** The request path for the positional argument, if the command takes one. */
  path: (arg: string) => string
  arg?: string
}

const QUERIES: readonly Query[] = [
  { name: 'status', description: 'the node\'s status: network, peers, height, head and finalized block, mempool', path: () => '/status' },
  { name: 'block', arg: '<height>', description: 'a block by height (or "latest"): header, transactions, receipts, commit', path: (h) => `/blocks/${encodeURIComponent(h)}` },
  { name: 'account', arg: '<did>', description: 'an account: balance, mana, nonce, next nonce', path: (d) => `/accounts/${encodeURIComponent(d)}` },
  { name: 'member', arg: '<did>', description: 'a member: profile, cooperative, permissions, validator record', path: (d) => `/members/${encodeURIComponent(d)}` },
  { name: 'reputation', arg: '<did>', description: 'a member\'s reputation per category and total (milli-points)', path: (d) => `/reputation/${encodeURIComponent(d)}` }
]

export function queryCommands (program: Command, io: CliIo): void {
  for (const query of QUERIES) {
    program.command(query.arg === undefined ? query.name : `${query.name} ${query.arg}`)
      .description(query.description)
      .option('--api <url>', 'node API URL (env ICN_API_URL; default http://127.0.0.1:8080)')
      .action(async (...args: unknown[]) => {
        const arg = query.arg === undefined ? '' : String(args[0])
        const opts = (query.arg === undefined ? args[0] : args[1]) as { api?: string }
        const client = apiClient(resolveApiUrl(opts.api, io.env))
        io.stdout.write(JSON.stringify(await client.get(query.path(arg)), null, 2) + '\n')
      })
  }
}
