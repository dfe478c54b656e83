/**
 * The `icn` command line (commander): `init`, `start`, `keys show|generate`.
 *
 * - `main(argv, io?)` → exit code (0 ok, 1 runtime failure, 2 usage/configuration); never exits itself
 * - `run()`: main on process.argv, sets the exit code (bin/icn.js and `node src/cli/main.ts` use it)
 * - `COMMANDS`: the subcommand registrars; `CliIo`: stdout/stderr/env/cwd a command uses
 */
export { main, run, buildProgram } from './main.ts'
export { COMMANDS, type CommandRegistrar } from './commands/index.ts'
export { EXIT_OK, EXIT_FAILURE, EXIT_USAGE, UsageError, exitCodeOf, formatError } from './errors.ts'
export { processIo, formatFields, type CliIo } from './io.ts'
