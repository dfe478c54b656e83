/**
 * What the scenario runner asks of a driver. The in-process driver runs real nodes in this process;
 * the netns driver runs each node as a process in its own network namespace. Node indices are the
 * manifest's: validators 0…N−1, then joiners in order.
 */
import type { ScenarioManifest } from '../manifest/index.ts'

export type DriverKind = 'inprocess' | 'netns'
export const DRIVER_KINDS: readonly DriverKind[] = ['inprocess', 'netns']

export interface DriverOptions {
  /** Where homes, genesis and logs go; default a temporary directory removed at the end. */
  dir?: string
  /** Node log level (in-process: pretty on stderr; netns: each node's node.log). Default silent / info. */
  logLevel?: string
  /** Progress lines for people (network set up, node started…). */
  log?: (line: string) => void
  /** A node exited without being asked to (netns: its process died); the runner fails the run. */
  onNodeFailure?: (node: number, message: string) => void
}

export interface FaultDriver {
  /** Names the driver in reports: 'inprocess', 'netns'. */
  readonly kind: string
  /** Where the nodes' homes are. */
  readonly dir: string
  /**
   * Throws (FaultsError UNSUPPORTED or UNAVAILABLE) when this driver cannot run the manifest on this
   * machine; touches nothing.
   */
  check: () => Promise<void>
  /** Starts the validators and resolves once every one answers its API. */
  start: () => Promise<void>
  /** Node i's API base URL while it runs; undefined while it is stopped (or not joined yet). */
  apiUrl: (i: number) => string | undefined
  /** Node i's DID. */
  did: (i: number) => string
  /** Cuts the listed groups off from each other (replacing any earlier partition). */
  partition: (groups: number[][]) => Promise<void>
  /** Removes the partition. */
  heal: () => Promise<void>
  /** Stops node i abruptly (netns: the signal; in-process: a stop, there is no process to signal). */
  kill: (i: number, signal: 'SIGKILL' | 'SIGTERM') => Promise<void>
  /** Starts node i again from its home (stopping it first if it runs); resolves once it answers. */
  restart: (i: number) => Promise<void>
  pause: (i: number) => Promise<void>
  resume: (i: number) => Promise<void>
  /** Starts the next node (index = nodes so far), not a validator; resolves with its index once it answers. */
  join: () => Promise<number>
  /** Stops every node and removes everything the driver set up; safe to call more than once. */
  close: () => Promise<void>
}

export type DriverFactory = (manifest: ScenarioManifest, options: DriverOptions) => FaultDriver
