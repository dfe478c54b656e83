/**
 * Runs a prepared testnet: one child process per node, readiness through `GET /status`, and the
 * controls tests and fault scripts need — kill, restart, pause (SIGSTOP), resume (SIGCONT), stop.
 * A node that exits without being asked is reported (with its exit code and the tail of its log) and
 * the others keep running; what to do about it is the caller's choice. If this process exits with
 * nodes still running, they are killed; if it is killed outright, each node's orphan guard stops it.
 */
import { DEFAULT_READY_TIMEOUT_MS, DEFAULT_STOP_TIMEOUT_MS, READY_POLL_MS } from './constants.ts'
import { TestnetError } from './errors.ts'
import type { NodeLayout } from './layout.ts'
import { NodeProcess, describeExit, type NodeExit, type NodeProcessState } from './node-process.ts'
import { addTestnetNode, type AddNodeOptions, type PreparedTestnet } from './prepare.ts'
import { fetchStatus, type TestnetNodeStatus } from './status.ts'
import { formatNodeTable } from './table.ts'

export interface SuperviseOptions {
  testnet: PreparedTestnet
  /** Each output line of each node (e.g. to the console, prefixed). Every line also goes to node.log. */
  onLog?: (node: NodeLayout, line: string) => void
  /** A node exited without being asked to; `tail` holds its last output lines. */
  onUnexpectedExit?: (node: NodeLayout, exit: NodeExit, tail: string[]) => void
  /** How long a node may take to answer `GET /status` after it is spawned. Default 60 s. */
  readyTimeoutMs?: number
  /** How long a node may take to exit after SIGTERM before it gets SIGKILL. Default 10 s. */
  stopTimeoutMs?: number
  /** Environment of the node processes; default process.env (ICN_* keys the testnet sets are dropped). */
  env?: Record<string, string | undefined>
  /** When given, superviseNodes prints the node table here once every node answers. */
  out?: { write: (text: string) => unknown }
}

export interface Supervisor {
  readonly testnet: PreparedTestnet
  /** Node layouts (validators first, then nodes added later). */
  readonly nodes: readonly NodeLayout[]
  /** Starts every node that is not running and waits until each answers; statuses by node index. */
  startAll: () => Promise<TestnetNodeStatus[]>
  /** Starts node i and waits until its API answers with its own PeerId; a failed start leaves it stopped. */
  start: (i: number) => Promise<TestnetNodeStatus>
  apiUrl: (i: number) => string
  /** Node i's `GET /status`. */
  status: (i: number) => Promise<TestnetNodeStatus>
  state: (i: number) => NodeProcessState
  pid: (i: number) => number | undefined
  /** Sends `signal` (default SIGKILL) to node i as a deliberate stop and waits for it to exit. */
  kill: (i: number, signal?: NodeJS.Signals) => Promise<NodeExit>
  /** Stops node i cleanly (SIGTERM, then SIGKILL after the stop timeout). */
  stop: (i: number) => Promise<NodeExit>
  /** Stops node i if it runs, starts it again on the same home and ports, waits until it answers. */
  restart: (i: number) => Promise<TestnetNodeStatus>
  /** SIGSTOP: the node freezes (no timers, no network answers) but keeps its connections. */
  pause: (i: number) => void
  /** SIGCONT after pause. */
  resume: (i: number) => void
  /** Adds a non-validator node (bootstrapping from the validators), starts it and waits until it answers. */
  addNode: (options?: AddNodeOptions) => Promise<{ node: NodeLayout, status: TestnetNodeStatus }>
  /** Node i's last output lines. */
  logTail: (i: number, lines?: number) => string[]
  /** Stops every node in parallel (SIGTERM, deadline, SIGKILL); resolves with each one's exit. */
  stopAll: () => Promise<NodeExit[]>
}

export function createSupervisor (options: SuperviseOptions): Supervisor {
  return new TestnetSupervisor(options)
}

/** Creates the supervisor, starts every node, waits until all answer, prints the table to `out`. */
export async function superviseNodes (options: SuperviseOptions): Promise<{ supervisor: Supervisor, statuses: TestnetNodeStatus[] }> {
  const supervisor = createSupervisor(options)
  let statuses: TestnetNodeStatus[]
  try {
    statuses = await supervisor.startAll()
  } catch (err) {
    await supervisor.stopAll()
    throw err
  }
  options.out?.write(formatNodeTable(options.testnet.nodes, statuses))
  return { supervisor, statuses }
}

class TestnetSupervisor implements Supervisor {
  readonly testnet: PreparedTestnet
  readonly #options: SuperviseOptions
  readonly #procs: NodeProcess[] = []
  readonly #onProcessExit = (): void => { for (const p of this.#procs) p.killNow() }
  #exitHook = false

  constructor (options: SuperviseOptions) {
    this.testnet = options.testnet
    this.#options = options
    for (const node of options.testnet.nodes) this.#add(node)
  }

  get nodes (): readonly NodeLayout[] {
    return this.testnet.nodes
  }

  #add (layout: NodeLayout): NodeProcess {
    const proc = new NodeProcess({
      layout,
      ...(this.#options.env !== undefined ? { env: this.#options.env } : {}),
      onLine: (line) => { this.#options.onLog?.(layout, line) },
      onExit: (exit) => { if (!exit.expected) this.#options.onUnexpectedExit?.(layout, exit, proc.tail()) }
    })
    this.#procs.push(proc)
    return proc
  }

  #proc (i: number): NodeProcess {
    const proc = this.#procs[i]
    if (proc === undefined) throw new TestnetError('NO_SUCH_NODE', `no node ${i}: the testnet has nodes 0 to ${this.#procs.length - 1}`, { field: 'node' })
    return proc
  }

  async startAll (): Promise<TestnetNodeStatus[]> {
    // every process is spawned before the first await; the first failure rejects at once (the other
    // readiness loops end by themselves when the caller stops their nodes)
    return Promise.all(this.#procs.map(async (proc, i) => proc.state === 'stopped' ? this.start(i) : this.status(i)))
  }

  async start (i: number): Promise<TestnetNodeStatus> {
    const proc = this.#proc(i)
    if (!this.#exitHook) {
      // the last resort: nothing this process started outlives it
      process.on('exit', this.#onProcessExit)
      this.#exitHook = true
    }
    proc.start()
    return this.#waitReady(proc)
  }

  /** Polls GET /status until it answers as this node; fails at once if the process exits first. */
  async #waitReady (proc: NodeProcess): Promise<TestnetNodeStatus> {
    const { layout } = proc
    const timeoutMs = this.#options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS
    const deadline = Date.now() + timeoutMs
    let exited: NodeExit | undefined
    void proc.exited().then((e) => { exited = e })
    let last: unknown
    for (;;) {
      if (exited !== undefined || proc.state === 'stopped') {
        const exit = exited ?? await proc.exited()
        throw new TestnetError('NODE_FAILED', failureMessage(layout, `exited while starting (${describeExit(exit)})`, proc.tail()), { field: layout.name })
      }
      let status: TestnetNodeStatus | undefined
      try {
        status = await fetchStatus(layout.apiUrl)
      } catch (err) {
        last = err
      }
      if (status !== undefined && status.peerId !== layout.peerId) {
        await this.stop(layout.index)
        throw new TestnetError('PORT_IN_USE', `${layout.apiUrl} is answered by another node (${status.peerId}), not ${layout.name} (${layout.peerId})`, { field: layout.name })
      }
      if (status !== undefined) return status
      if (Date.now() > deadline) {
        // a start that failed leaves nothing running
        await this.stop(layout.index)
        const why = last instanceof Error ? `: ${last.message}` : ''
        throw new TestnetError('NODE_FAILED', failureMessage(layout, `did not answer GET /status within ${timeoutMs} ms${why}`, proc.tail()), { field: layout.name })
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS))
    }
  }

  apiUrl (i: number): string {
    return this.#proc(i).layout.apiUrl
  }

  async status (i: number): Promise<TestnetNodeStatus> {
    return fetchStatus(this.#proc(i).layout.apiUrl)
  }

  state (i: number): NodeProcessState {
    return this.#proc(i).state
  }

  pid (i: number): number | undefined {
    return this.#proc(i).pid
  }

  async kill (i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<NodeExit> {
    return this.#proc(i).kill(signal)
  }

  async stop (i: number): Promise<NodeExit> {
    return this.#proc(i).stop(this.#options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS)
  }

  async restart (i: number): Promise<TestnetNodeStatus> {
    await this.stop(i)
    return this.start(i)
  }

  pause (i: number): void {
    const proc = this.#proc(i)
    if (proc.state !== 'running') throw new TestnetError('BAD_STATE', `cannot pause ${proc.layout.name}: it is ${proc.state}`, { field: proc.layout.name })
    proc.signal('SIGSTOP')
  }

  resume (i: number): void {
    const proc = this.#proc(i)
    if (proc.state !== 'paused') throw new TestnetError('BAD_STATE', `cannot resume ${proc.layout.name}: it is ${proc.state}`, { field: proc.layout.name })
    proc.signal('SIGCONT')
  }

  async addNode (options: AddNodeOptions = {}): Promise<{ node: NodeLayout, status: TestnetNodeStatus }> {
    const node = await addTestnetNode(this.testnet, options)
    this.#add(node)
    return { node, status: await this.start(node.index) }
  }

  logTail (i: number, lines?: number): string[] {
    return this.#proc(i).tail(lines)
  }

  async stopAll (): Promise<NodeExit[]> {
    const timeout = this.#options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS
    const exits = await Promise.all(this.#procs.map(async (p) => p.stop(timeout)))
    process.off('exit', this.#onProcessExit)
    this.#exitHook = false
    return exits
  }
}

/**
 * "node2 exited while starting (code 1)" on the first line, then where its log is and its last lines,
 * indented: the first line alone is a complete summary.
 */
export function failureMessage (node: NodeLayout, what: string, tail: readonly string[], lines = 15): string {
  const shown = tail.filter((l) => l.trim() !== '').slice(-lines)
  if (shown.length === 0) return `${node.name} ${what}\n  no output (log: ${node.logFile})`
  return `${node.name} ${what}\n  last lines of ${node.logFile}:\n${shown.map((l) => `    ${l}`).join('\n')}`
}
