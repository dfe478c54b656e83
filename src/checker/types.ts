/** The checker's inputs (node views, events) and its report. */
import type { SafetyViolationDetail } from './errors.ts'

/** What the checker reads of a node's `GET /status`. */
export interface ViewStatus {
  /** Highest finalized height; null before the node opened its chain. */
  finalizedHeight: number | null
  /** CID of the block at `finalizedHeight`. */
  finalizedCid: string | null
}

/**
 * A node as the checker sees it: through its HTTP API (`httpNodeView`), or a fake in unit tests.
 * Both calls throw when the node does not answer (down, paused, partitioned from the checker).
 */
export interface NodeView {
  /** Unique among the views of one checker: `node2`. */
  readonly name: string
  /** The node's status, or undefined when the node is known not to run (stopped, not yet started). */
  status: (signal: AbortSignal) => Promise<ViewStatus | undefined>
  /** CID of the node's block at `height`, or undefined when it has none. */
  blockCid: (height: number, signal: AbortSignal) => Promise<string | undefined>
}

/**
 * Events the scenario announces. After `heal`, `restart`, `resume` and `join` the checker measures how
 * long until the next block is finalized (recovery) and until the nodes concerned reach the height
 * that was the head at the event (catch-up); the others are kept for the timeline.
 */
export type CheckerEventKind = 'partition' | 'heal' | 'kill' | 'restart' | 'pause' | 'resume' | 'join'

export const RECOVERY_EVENTS: ReadonlySet<CheckerEventKind> = new Set(['heal', 'restart', 'resume', 'join'])

export interface CatchUp {
  node: string
  /** Time from the event until the node's finalized height reached the event's head; null: not yet. */
  ms: number | null
}

export interface LivenessEvent {
  kind: CheckerEventKind
  /** Nodes the event concerns (every node for partition and heal). */
  nodes: string[]
  atMs: number
  /** Highest finalized height when the event happened. */
  headAtEvent: number
  /** Time until some node finalized a height above `headAtEvent`; null: not yet (or not measured). */
  recoveryMs: number | null
  /** Recovery events only: per node concerned. */
  catchUp: CatchUp[]
}

/** A node more than `lagBlocks` behind the highest finalized height, until it is back within them. */
export interface LagEpisode {
  node: string
  startMs: number
  /** The node's height and the head when the lag was first seen. */
  fromHeight: number
  headAtStart: number
  /** Largest distance to the head seen during the episode. */
  maxLag: number
  /** Time until it was back within `lagBlocks` of the head; null: still lagging (or down) at the end. */
  durationMs: number | null
}

export interface NodeSummary {
  name: string
  finalizedHeight: number | null
  /** Status reads answered. */
  polls: number
  /** Status reads that failed (no answer, an error). */
  unreachable: number
  /** Polls that found the node known not to run. */
  down: number
  lastSeenMs: number | null
}

export interface CheckerReport {
  /** No safety violation was seen. */
  safe: boolean
  violation: (SafetyViolationDetail & { message: string }) | null
  durationMs: number
  /** Status reads answered, over all nodes. */
  polls: number
  /** Blocks read by height (to fill gaps and to re-check history). */
  blocksRead: number
  /** Heights whose finalized block was compared across nodes. */
  heightsChecked: number
  /** Highest finalized height seen. */
  head: number
  nodes: NodeSummary[]
  events: LivenessEvent[]
  lags: LagEpisode[]
  /** Longest time the highest finalized height stood still (including at the end of the run). */
  maxStallMs: number
}
