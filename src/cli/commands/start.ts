/**
 * `icn start`: resolve the configuration, open the node, start it, print its identity and addresses,
 * then run until SIGINT or SIGTERM and shut down cleanly (API, host, database) with exit code 0.
 */
import { Option, type Command } from 'commander'
import { KEYS, resolveConfig, describeKey, type ResolvedConfig, type FlagValues } from '../../config/index.ts'
import { createLogger } from '../../log/index.ts'
import { initHome, isInitialised } from '../../node/home.ts'
import { formatFields, type CliIo } from '../io.ts'
import { shutdownSignal } from '../signals.ts'


function addConfigOptions (command: Command): Command {
  for (const spec of KEYS) {
    if (spec.flag === undefined) continue
    const arg = spec.arg ?? 'value'
    command.addOption(new Option(`${spec.flag} <${arg}>`, `${spec.doc} (env ${spec.env}; default ${spec.default})`))
  }
  return command
    .option('--config <file>', 'config file to read instead of <home>/config.json (env ICN_CONFIG)')
    .option('--init', 'initialise the home first if it has no key (with --genesis, or the package genesis)')
}

export function startCommand (program: Command, io: CliIo): void {
  const command = program.command('start')
    .description('start a node: libp2p host, HTTP API; runs until SIGINT/SIGTERM')
  addConfigOptions(command).action(async (opts: FlagValues & { init?: boolean }) => {
    let resolved: ResolvedConfig = await resolveConfig({ flags: opts, env: io.env, cwd: io.cwd })
    for (const warning of resolved.warnings) io.stderr.write(`icn: warning: ${warning}\n`)
    if (opts.init === true && !await isInitialised(resolved.config.home)) {
      const genesisSource = resolved.sources.genesis?.kind === 'default' ? undefined : resolved.config.genesis
      const result = await initHome({ home: resolved.config.home, ...(genesisSource !== undefined ? { genesis: genesisSource } : {}) })
      io.stdout.write(`initialised ${result.paths.home}\n`)
      // the home now has a config.json: resolve again so the file takes its place in the precedence
      resolved = await resolveConfig({ flags: opts, env: io.env, cwd: io.cwd })
    }
    const { config } = resolved
    const logger = createLogger({ level: config.logLevel, format: config.logFormat })
    // the node module pulls in libp2p: load it only for the command that needs it
    const { createNode } = await import('../../node/node.ts')
    const node = await createNode(config, { logger, genesisOrigin: describeKey(resolved, 'genesis') })
    const signal = shutdownSignal(io)
    try {
      await node.start()
      const status = node.status()
      io.stdout.write('icn node running\n' + formatFields([
        ['peer id', status.peerId],
        ['did', status.did],
        ['network id', status.networkId],
        ...status.listenAddrs.map((a) => ['listen', a] as const),
        ['api', status.api ?? 'off'],
        ['home', config.home]
      ]))
      const received = await signal.received
      logger.child({ module: 'cli' }).info({ signal: received }, 'shutting down')
    } finally {
      await node.stop()
      signal.dispose()
    }
    io.stdout.write('icn node stopped\n')
  })
}
