/**
 * The `icn` command line. `main(argv, io)` parses and runs one command and resolves with its exit code
 * (0 success, 2 usage or configuration error, 1 runtime failure); it never calls process.exit, so tests
 * can call it. Run directly (or through bin/icn.js), `run()` sets the process exit code.
 */
import { Command, CommanderError } from 'commander'
import pkg from '../../package.json' with { type: 'json' }
import { COMMANDS } from './commands/index.ts'
import { EXIT_OK, exitCodeOf, formatError } from './errors.ts'
import { processIo, type CliIo } from './io.ts'

export function buildProgram (io: CliIo): Command {
  const program = new Command('icn')
    .description('InterCooperative Network node')
    .version(pkg.version, '-V, --version')
    // commander reports usage errors by throwing instead of exiting; main() maps them to exit code 2
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: (s, write) => { write(`icn: ${s}`) } })
    .showSuggestionAfterError(true)
  for (const register of COMMANDS) register(program, io)
  return program
}

export async function main (argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return EXIT_OK
  } catch (err) {
    // commander has already printed its own message (and help) for its errors
    if (!(err instanceof CommanderError)) io.stderr.write(formatError(err, io.env.ICN_DEBUG === '1'))
    return exitCodeOf(err)
  }
}

/** How long a finished command may wait for open handles to close before the process exits anyway. */
const EXIT_GRACE_MS = 5_000

/** Runs `main` on the process's arguments and exits with its code. */
export async function run (): Promise<void> {
  const code = await main(process.argv.slice(2))
  process.exitCode = code
  // Everything has been closed; if some library left a handle open, do not hang forever. The timer is
  // unref'd, so it never delays a clean exit.
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'Timeout')
    process.stderr.write(`icn: exit forced ${EXIT_GRACE_MS} ms after shutdown; still open: ${open.join(', ') || 'unknown'}\n`)
    process.exit(code)
  }, EXIT_GRACE_MS).unref()
}

if (import.meta.main) await run()
