/**
 * How Node runs a process that runs a node: `icn start`, `icn join`, every testnet node and the
 * `icn testnet` supervisor. Left to itself, V8 sizes the young generation from the machine's memory
 * (64 MB committed on a 24 GiB machine, ~5 MB of it in use by an idle node) and starts 4 GC and
 * compiler threads, each with its own malloc arena. Measured on an idle 4-validator loopback testnet
 * (docs/benchmarks.md, "4. Memory"): private memory per node ~160 → ~100 MB with these settings.
 *
 * - `NODE_FLAGS`: the Node/V8 flags; `missingNodeFlags(execArgv, nodeOptions)`: those not already
 *   given (a user's own value of a flag wins, under any spelling)
 * - `nodeRuntimeEnv(base)`: the environment for such a process: `MALLOC_ARENA_MAX` and the compile cache
 *   directory, each only if `base` does not set it
 * - `runsNode(argv)`: whether `icn <argv>` is one of the long-running commands
 *
 * bin/icn.js re-executes itself with the missing flags for those commands; src/testnet/node-process.ts
 * spawns nodes with them; the Dockerfile runs bin/icn.js.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * - `--max-semi-space-size=8`: a young generation of at most 2 × 8 MB. Idle, 4 MB saves ~6 MB more
 *   per node, but under load (1,500 tx/s on a 4-validator testnet) garbage collection took 16 % of the
 *   nodes' CPU with 4 MB against ~8 % with V8's default (32 MB); 1–2 MB promote more short-lived
 *   garbage into the old generation and save nothing idle.
 * - `--v8-pool-size=2`: 2 V8 worker threads (GC, optimizing compiler) instead of 4: ~15 MB less
 *   (their stacks and malloc arenas), the same memory as 1 while keeping GC parallel on 2 cores.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--v8-pool-size=2']

/**
 * glibc's malloc gives each thread that allocates an arena of its own (up to 8 per core) and keeps
 * their freed memory: 2 arenas saved a further ~3–5 MB per idle node. Ignored by other C libraries.
 */
export const MALLOC_ARENA_MAX = '2'

/** `icn` commands that run a node, or a testnet of them, until stopped. */
export const LONG_RUNNING_COMMANDS: readonly string[] = ['start', 'join', 'testnet']

/**
 * Node's on-disk compile cache also keeps the type-stripped sources, so a process that finds every
 * module in it never loads Node's TypeScript stripper (a 3.4 MB script and a WebAssembly instance:
 * ~9 MB of heap and external memory for the process's life, 4–5 MB of RSS per idle node measured)
 * and loads its modules in about half the time. This is Node's own default directory.
 */
export function defaultCompileCacheDir (): string {
  return join(tmpdir(), 'node-compile-cache')
}

/** `--max_semi_space_size=8` → `--max-semi-space-size` (V8 accepts `_` and `-` alike). */
function optionName (arg: string): string {
  const eq = arg.indexOf('=')
  return (eq === -1 ? arg : arg.slice(0, eq)).replaceAll('_', '-')
}

/**
 * The `NODE_FLAGS` not already named in `execArgv` or `nodeOptions` (the NODE_OPTIONS variable): a
 * flag the user gave, with any value, is left as given.
 */
export function missingNodeFlags (execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].filter((a) => a.startsWith('--')).map(optionName))
  return NODE_FLAGS.filter((flag) => !given.has(optionName(flag)))
}

/** Whether `icn <argv>` runs a node or a testnet until stopped (`testnet prepare` only writes files). */
export function runsNode (argv: readonly string[]): boolean {
  const [command, sub] = argv.filter((a) => !a.startsWith('-'))
  if (command === undefined || !LONG_RUNNING_COMMANDS.includes(command)) return false
  return !(command === 'testnet' && sub === 'prepare')
}

/**
 * `base` plus `MALLOC_ARENA_MAX` and `NODE_COMPILE_CACHE` where `base` does not set them (a user's
 * `NODE_DISABLE_COMPILE_CACHE=1` still turns the cache off: Node checks it first).
 */
export function nodeRuntimeEnv (base: Record<string, string | undefined>, compileCacheDir = defaultCompileCacheDir()): Record<string, string | undefined> {
  return {
    ...base,
    MALLOC_ARENA_MAX: base.MALLOC_ARENA_MAX ?? MALLOC_ARENA_MAX,
    NODE_COMPILE_CACHE: base.NODE_COMPILE_CACHE ?? compileCacheDir
  }
}
