/**
 * One node of a testnet as a child process: `node <NODE_FLAGS> --import orphan-guard.ts
 * src/cli/main.ts start --home <home>`, in its own process group, with the runtime settings of
 * src/runtime/index.ts (V8 flags, malloc arenas, compile cache) where its environment does not name
 * its own. Its stdout and stderr go, line by line, to `<home>/node.log` (appended across restarts),
 * to an optional listener (the console with --logs) and to a short in-memory tail for failure reports.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { missingNodeFlags, nodeRuntimeEnv } from '../runtime/index.ts'
import { LOG_TAIL_LINES } from './constants.ts'
import { TestnetError } from './errors.ts'
import type { NodeLayout } from './layout.ts'

/** The CLI entry every node runs; Node 24 runs the TypeScript sources directly. */
export const CLI_MAIN = fileURLToPath(new URL('../cli/main.ts', import.meta.url))
const ORPHAN_GUARD = new URL('./orphan-guard.ts', import.meta.url).href

/** `ICN_*` variables the testnet sets through each node's config.json; inherited values would override it. */
const OWNED_ENV = ['ICN_HOME', 'ICN_CONFIG', 'ICN_GENESIS', 'ICN_LISTEN', 'ICN_ANNOUNCE', 'ICN_BOOTSTRAP', 'ICN_API']

export type NodeProcessState = 'stopped' | 'running' | 'paused' | 'stopping'

export interface NodeExit {
  /** Exit code, or null when a signal ended the process. */
  code: number | null
  signal: NodeJS.Signals | null
  /** True when the supervisor asked for it (stop, kill, restart). */
  expected: boolean
  /** Set when the process could not be spawned at all. */
  error?: Error
}

export interface NodeProcessInit {
  layout: NodeLayout
  /** Base environment; default process.env. Owned ICN_* variables are removed from it. */
  env?: Record<string, string | undefined>
  /** Every output line of the node, as it arrives. */
  onLine?: (line: string) => void
  /** Every exit, expected or not, once its output is flushed. */
  onExit?: (exit: NodeExit) => void
}

export function nodeEnv (base: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(nodeRuntimeEnv(base))) if (v !== undefined && !OWNED_ENV.includes(k)) env[k] = v
  return env
}

/**
 * The node's command line after the executable: the runtime flags (those NODE_OPTIONS in `env` does
 * not set already), the orphan guard, the CLI.
 */
export function nodeArgs (home: string, env: Record<string, string | undefined> = process.env): string[] {
  return [...missingNodeFlags([], env.NODE_OPTIONS), '--import', ORPHAN_GUARD, CLI_MAIN, 'start', '--home', home]
}

export class NodeProcess {
  readonly layout: NodeLayout
  readonly #init: NodeProcessInit
  #child: ChildProcess | undefined
  #exit: Promise<NodeExit> | undefined
  #state: NodeProcessState = 'stopped'
  #expected = false
  #tail: string[] = []

  constructor (init: NodeProcessInit) {
    this.layout = init.layout
    this.#init = init
  }

  get state (): NodeProcessState {
    return this.#state
  }

  /** The running process's id. */
  get pid (): number | undefined {
    return this.#state === 'stopped' ? undefined : this.#child?.pid
  }

  /** The last output lines (across restarts), oldest first. */
  tail (lines = LOG_TAIL_LINES): string[] {
    return this.#tail.slice(-lines)
  }

  /** Resolves when the current process has exited (at once when none runs). */
  async exited (): Promise<NodeExit> {
    return this.#exit ?? { code: null, signal: null, expected: true }
  }

  start (): void {
    if (this.#state !== 'stopped') throw new TestnetError('BAD_STATE', `${this.layout.name} is already ${this.#state}`, { field: this.layout.name })
    const log = createWriteStream(this.layout.logFile, { flags: 'a', mode: 0o644 })
    // a log that cannot be written must not take the supervisor down; the tail still has the lines
    log.on('error', (err) => { this.#tail.push(`(cannot write ${this.layout.logFile}: ${err.message})`) })
    const env = nodeEnv(this.#init.env ?? process.env)
    const child = spawn(process.execPath, nodeArgs(this.layout.home, env), {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // own process group: a terminal's Ctrl-C goes to the supervisor alone, which stops nodes in order
      detached: true
    })
    this.#child = child
    this.#state = 'running'
    this.#expected = false
    this.#line(log, `--- icn testnet: ${this.layout.name} started (pid ${child.pid ?? '?'}) at ${new Date().toISOString()} ---`)
    this.#follow(child.stdout, log)
    this.#follow(child.stderr, log)
    this.#exit = new Promise<NodeExit>((resolve) => {
      let done = false
      const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error): void => {
        if (done) return
        done = true
        const exit: NodeExit = { code, signal, expected: this.#expected, ...(error !== undefined ? { error } : {}) }
        this.#line(log, `--- icn testnet: ${this.layout.name} exited (${describeExit(exit)}) at ${new Date().toISOString()} ---`)
        const settle = (): void => {
          this.#state = 'stopped'
          this.#child = undefined
          resolve(exit)
          this.#init.onExit?.(exit)
        }
        // the exit is reported once the log holds every line (or at once if the log failed)
        if (log.destroyed) settle()
        else log.end(settle)
      }
      // a process that could not be spawned has no pid and may never emit 'close'
      child.once('error', (err) => { if (child.pid === undefined) finish(null, null, err) })
      // 'close' comes after the output streams ended, so the log and the tail are complete
      child.once('close', (code, signal) => { finish(code, signal) })
    })
  }

  #follow (stream: NodeJS.ReadableStream | null, log: WriteStream): void {
    if (stream === null) return
    let partial = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) this.#line(log, line, true)
    })
    stream.on('end', () => {
      if (partial !== '') this.#line(log, partial, true)
      partial = ''
    })
  }

  #line (log: WriteStream, line: string, fromNode = false): void {
    if (!log.writableEnded && !log.destroyed) log.write(line + '\n')
    this.#tail.push(line)
    if (this.#tail.length > LOG_TAIL_LINES * 2) this.#tail.splice(0, this.#tail.length - LOG_TAIL_LINES)
    if (fromNode) this.#init.onLine?.(line)
  }

  /** Sends `signal`; a paused node is continued too, so it can act on it. */
  signal (signal: NodeJS.Signals): void {
    const child = this.#child
    if (child === undefined || this.#state === 'stopped') return
    if (signal === 'SIGSTOP') {
      child.kill('SIGSTOP')
      if (this.#state === 'running') this.#state = 'paused'
      return
    }
    if (signal === 'SIGCONT') {
      child.kill('SIGCONT')
      if (this.#state === 'paused') this.#state = 'running'
      return
    }
    child.kill(signal)
    if (this.#state === 'paused' && signal !== 'SIGKILL') {
      child.kill('SIGCONT')
      this.#state = 'running'
    }
  }

  /** Sends `signal` as a deliberate stop and waits for the exit. */
  async kill (signal: NodeJS.Signals = 'SIGKILL'): Promise<NodeExit> {
    if (this.#state === 'stopped') return this.exited()
    this.#expected = true
    this.signal(signal)
    return this.exited()
  }

  /** SIGTERM (a clean shutdown); SIGKILL if the node has not exited after `timeoutMs`. */
  async stop (timeoutMs: number): Promise<NodeExit> {
    if (this.#state === 'stopped') return this.exited()
    this.#expected = true
    // signal() continues a paused node, so it can act on SIGTERM
    this.signal('SIGTERM')
    this.#state = 'stopping'
    let timer: ReturnType<typeof setTimeout> | undefined
    const deadline = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => { resolve('timeout') }, timeoutMs) })
    const first = await Promise.race([this.exited(), deadline])
    clearTimeout(timer)
    if (first !== 'timeout') return first
    this.#child?.kill('SIGKILL')
    return this.exited()
  }

  /** For process-exit handlers: SIGKILL at once, synchronously. */
  killNow (): void {
    if (this.#state === 'stopped') return
    this.#expected = true
    this.#child?.kill('SIGKILL')
  }
}

export function describeExit (exit: Pick<NodeExit, 'code' | 'signal' | 'error'>): string {
  if (exit.error !== undefined) return `could not start: ${exit.error.message}`
  if (exit.signal !== null) return `signal ${exit.signal}`
  return `code ${exit.code ?? '?'}`
}
