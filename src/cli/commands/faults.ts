/**
 * `icn faults run MANIFEST`: runs a fault scenario (docs/faults.md) against a fresh network — nodes in
 * this process (`--driver inprocess`, the default) or one process per node, each in its own Linux
 * network namespace (`--driver netns`, root only) — with the safety and liveness checker watching
 * every node throughout. Progress goes to stderr, the report to stdout (`--json` for the object).
 * `icn faults cleanup` removes namespaces left behind by netns runs that were killed.
 *
 * Exit codes: 0 the scenario passed; 1 it failed (a safety violation, a step that timed out, an unmet
 * expectation, a node that died); 2 a bad manifest or flag, or a driver this machine cannot run.
 */
import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { LOG_LEVELS } from '../../config/index.ts'
import {
  DRIVER_KINDS, FaultsError, FAULTS_USAGE_CODES, cleanupLeftovers, formatScenarioReport, netnsAvailability, readManifestFile, runScenario,
  type DriverKind
} from '../../faults/index.ts'
import { UsageError } from '../errors.ts'
import type { CliIo } from '../io.ts'
import { shutdownSignal } from '../signals.ts'

interface RunFlags {
  driver: DriverKind
  dir?: string
  json?: boolean
  quiet?: boolean
  logLevel?: string
}

function toUsage (err: unknown): unknown {
  return err instanceof FaultsError && FAULTS_USAGE_CODES.has(err.code) ? new UsageError(err.message) : err
}

async function run (manifestPath: string, flags: RunFlags, io: CliIo): Promise<void> {
  const manifest = await readManifestFile(resolve(io.cwd, manifestPath)).catch((err: unknown) => { throw toUsage(err) })
  const { received, dispose } = shutdownSignal(io)
  const controller = new AbortController()
  void received.then((signal) => {
    io.stderr.write(`icn faults: ${signal}: stopping the run and cleaning up (again to exit at once)\n`)
    controller.abort()
  })
  let report
  try {
    report = await runScenario(manifest, {
      driver: flags.driver,
      signal: controller.signal,
      ...(flags.dir !== undefined ? { dir: resolve(io.cwd, flags.dir) } : {}),
      ...(flags.logLevel !== undefined ? { logLevel: flags.logLevel } : {}),
      ...(flags.quiet === true ? {} : { onProgress: (line: string) => { io.stderr.write(`${line}\n`) } })
    })
  } catch (err) {
    throw toUsage(err)
  } finally {
    dispose()
  }
  io.stdout.write(flags.json === true ? JSON.stringify(report, null, 2) + '\n' : formatScenarioReport(report))
  if (report.failure !== null && FAULTS_USAGE_CODES.has(report.failure.code as FaultsError['code'])) {
    throw new UsageError(report.failure.message)
  }
  if (!report.passed) throw new Error(`scenario ${report.name} failed${report.failure !== null ? `: ${report.failure.message.split('\n')[0] ?? ''}` : ': see the expectations above'}`)
}

export function faultsCommand (program: Command, io: CliIo): void {
  const faults = program.command('faults')
    .description('fault injection: run scenario manifests against a network, with a safety and liveness checker')

  faults.command('run')
    .description('run the scenario in MANIFEST (JSON) and report what the checker saw')
    .argument('<manifest>', 'scenario manifest (see docs/faults.md and scripts/faults/*.json)')
    .addOption(new Option('--driver <driver>', 'inprocess: nodes in this process; netns: a process per node, each in its own network namespace (Linux, root)').choices(DRIVER_KINDS).default('inprocess'))
    .option('--dir <dir>', 'keep the nodes\' homes and logs here (must be empty or absent); default a temporary directory, removed')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress lines on stderr')
    .addOption(new Option('--log-level <level>', 'node log level (inprocess: on stderr, default silent; netns: each node.log, default info)').choices(LOG_LEVELS))
    .action(async (manifest: string, flags: RunFlags) => { await run(manifest, flags, io) })

  faults.command('cleanup')
    .description('remove network namespaces, links and processes left by netns runs whose runner is gone')
    .option('--all', 'also remove those of runs that still seem alive (no run may be going on)')
    .action(async (flags: { all?: boolean }) => {
      const available = await netnsAvailability()
      if (!available.ok) throw new UsageError(available.reason)
      const removed = await cleanupLeftovers({ all: flags.all === true })
      io.stdout.write(removed.length === 0 ? 'nothing to remove\n' : `removed the leftovers of ${removed.length} run(s): ${removed.map((s) => `10.77.${s}.0/24`).join(', ')}\n`)
    })
}
