/** Runs the CLI as a child process under this Node (tests run on the pinned Node 24). */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/icn.js', import.meta.url))

/** The parent's environment without ICN_* variables, so a developer's settings cannot leak in. */
export function cleanEnv (extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ICN_') && v !== undefined) env[k] = v
  return { ...env, ...extra }
}

export interface CliResult { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

export interface RunningCli {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<CliResult>
}

export function spawnCli (args: string[], opts: { env?: Record<string, string>, cwd?: string, entry?: string } = {}): RunningCli {
  const child = spawn(process.execPath, [opts.entry ?? MAIN, ...args], { env: cleanEnv(opts.env), cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (s: string) => { stdout += s })
  child.stderr?.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => { resolve({ code, signal, stdout, stderr }) })
  })
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

export async function runCli (args: string[], opts: { env?: Record<string, string>, cwd?: string, entry?: string } = {}): Promise<CliResult> {
  return spawnCli(args, opts).exited
}

/** The value of a `label: value` line of human output. */
export function field (output: string, label: string): string | undefined {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(`${label}:`))
  return line?.slice(line.indexOf(':') + 1).trim()
}
