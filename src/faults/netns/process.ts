/**
 * One node as a process inside its network namespace: `ip netns exec <ns> node <runtime flags> --import
 * orphan-guard.ts src/cli/main.ts start --home <home>`. `ip netns exec` enters the namespace and
 * execs node in place, so the pid we hold is the node's own and signals reach it directly: SIGKILL
 * or SIGTERM to kill, SIGSTOP / SIGCONT to pause and resume. Output goes, line by line, to
 * `<home>/node.log` (appended across restarts) and to a short tail for failure messages.
 *
 * The testnet supervisor (src/testnet/node-process.ts) spawns `node` itself, with no way to put a
 * command in front of it, and lays every node out on one host address; hence this small
 * counterpart. The orphan guard is the same: a node whose runner died stops by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { nodeArgs, nodeEnv } from '../../testnet/node-process.ts'

const TAIL_LINES = 40

export type NetnsProcessState = 'stopped' | 'running' | 'paused'

export interface NetnsExit { code: number | null, signal: NodeJS.Signals | null, expected: boolean }

export interface NetnsNodeProcessInit {
  name: string
  namespace: string
  home: string
  logFile: string
  /** Environment of the node; ICN_* variables are dropped (the home's config.json is the truth). */
  env?: Record<string, string | undefined>
  /** The node exited without being asked to. */
  onUnexpectedExit?: (exit: NetnsExit, tail: string[]) => void
}

export class NetnsNodeProcess {
  readonly name: string
  readonly #init: NetnsNodeProcessInit
  #child: ChildProcess | undefined
  #exit: Promise<NetnsExit> | undefined
  #state: NetnsProcessState = 'stopped'
  #expected = false
  readonly #tail: string[] = []

  constructor (init: NetnsNodeProcessInit) {
    this.name = init.name
    this.#init = init
  }

  get state (): NetnsProcessState {
    return this.#state
  }

  get pid (): number | undefined {
    return this.#state === 'stopped' ? undefined : this.#child?.pid
  }

  tail (lines = TAIL_LINES): string[] {
    return this.#tail.slice(-lines)
  }

  async exited (): Promise<NetnsExit> {
    return this.#state === 'stopped' || this.#exit === undefined ? { code: null, signal: null, expected: true } : this.#exit
  }

  start (): void {
    if (this.#state !== 'stopped') return
    // the testnet's runtime settings (src/runtime), without inherited ICN_* configuration
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(nodeEnv(this.#init.env ?? process.env))) if (!k.startsWith('ICN_')) env[k] = v
    const log = createWriteStream(this.#init.logFile, { flags: 'a', mode: 0o644 })
    log.on('error', (err) => { this.#push(`(cannot write ${this.#init.logFile}: ${err.message})`) })
    const child = spawn('ip', ['netns', 'exec', this.#init.namespace, process.execPath, ...nodeArgs(this.#init.home, env)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group: Ctrl-C reaches the runner alone, which stops the nodes in order
      detached: true
    })
    this.#child = child
    this.#state = 'running'
    this.#expected = false
    const write = (line: string): void => {
      if (!log.writableEnded && !log.destroyed) log.write(line + '\n')
      this.#push(line)
    }
    write(`--- icn faults: ${this.name} started in ${this.#init.namespace} (pid ${child.pid ?? '?'}) at ${new Date().toISOString()} ---`)
    for (const stream of [child.stdout, child.stderr]) {
      let partial = ''
      stream?.setEncoding('utf8')
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n')
        partial = lines.pop() ?? ''
        for (const line of lines) write(line)
      })
      stream?.on('end', () => { if (partial !== '') write(partial) })
    }
    this.#exit = new Promise<NetnsExit>((resolve) => {
      let done = false
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (done) return
        done = true
        const exit: NetnsExit = { code, signal, expected: this.#expected }
        write(`--- icn faults: ${this.name} exited (${signal ?? `code ${code ?? '?'}`}) at ${new Date().toISOString()} ---`)
        log.end(() => {
          this.#state = 'stopped'
          this.#child = undefined
          resolve(exit)
          if (!exit.expected) this.#init.onUnexpectedExit?.(exit, this.tail())
        })
      }
      child.once('error', (err) => {
        write(`(cannot start: ${err.message})`)
        if (child.pid === undefined) finish(null, null)
      })
      child.once('close', (code, signal) => { finish(code, signal) })
    })
  }

  #push (line: string): void {
    this.#tail.push(line)
    if (this.#tail.length > TAIL_LINES * 2) this.#tail.splice(0, this.#tail.length - TAIL_LINES)
  }

  /** SIGSTOP: the process freezes with its connections open (a hung peer, not a dead one). */
  pause (): void {
    if (this.#state !== 'running') return
    this.#child?.kill('SIGSTOP')
    this.#state = 'paused'
  }

  resume (): void {
    if (this.#state !== 'paused') return
    this.#child?.kill('SIGCONT')
    this.#state = 'running'
  }

  /** Sends `signal` as a deliberate stop and waits for the exit (a paused node is continued so it can act). */
  async kill (signal: NodeJS.Signals): Promise<NetnsExit> {
    if (this.#state === 'stopped') return this.exited()
    this.#expected = true
    this.#child?.kill(signal)
    if (this.#state === 'paused' && signal !== 'SIGKILL') this.#child?.kill('SIGCONT')
    return this.exited()
  }

  /** SIGTERM, then SIGKILL if it has not exited after `timeoutMs`. */
  async stop (timeoutMs: number): Promise<NetnsExit> {
    if (this.#state === 'stopped') return this.exited()
    const exited = this.kill('SIGTERM')
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => { resolve('late') }, timeoutMs) })
    const first = await Promise.race([exited, late])
    clearTimeout(timer)
    if (first !== 'late') return first
    this.#child?.kill('SIGKILL')
    return exited
  }

  /** For the process-exit hook: SIGKILL now, synchronously. */
  killNow (): void {
    if (this.#state === 'stopped') return
    this.#expected = true
    this.#child?.kill('SIGKILL')
  }
}
