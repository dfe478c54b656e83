/** `icn init`: create a node home (key, genesis, starter config.json). */
import type { Command } from 'commander'
import { resolve } from 'node:path'
import { resolveHome } from '../../config/index.ts'
import { initHome } from '../../node/home.ts'
import { peerIdOf } from '../../identity/index.ts'
import { formatFields, type CliIo } from '../io.ts'

export function initCommand (program: Command, io: CliIo): void {
  program.command('init')
    .description('create a node home: key file (mode 0600), genesis copy and a starter config.json')
    .option('--home <dir>', 'node home directory (default: $ICN_HOME or ~/.icn)')
    .option('--genesis <file>', 'genesis file to copy into the home (default: the package\'s config/genesis.json)')
    .option('--force', 'replace an existing key, genesis and config.json')
    .action(async (opts: { home?: string, genesis?: string, force?: boolean }) => {
      const home = resolveHome({ flag: opts.home, env: io.env, cwd: io.cwd })
      const result = await initHome({
        home,
        ...(opts.genesis !== undefined ? { genesis: resolve(io.cwd, opts.genesis) } : {}),
        force: opts.force ?? false
      })
      io.stdout.write(`initialised ${home}\n` + formatFields([
        ['peer id', (await peerIdOf(result.keyPair)).toString()],
        ['did', result.keyPair.did],
        ['network id', result.networkId.toString()],
        ['key', result.paths.key],
        ['genesis', `${result.paths.genesis}${result.genesis === 'kept' ? ' (kept, identical)' : ''}`],
        ['config', `${result.paths.config}${result.config === 'kept' ? ' (kept)' : ''}`]
      ]))
    })
}
