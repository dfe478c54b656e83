/**
 * Liveness as measured, not asserted: after each recovery event (heal, restart, resume, join), how
 * long until the next block was finalized anywhere and until each node concerned reached the height
 * that was the head at the event; for every node that fell more than `lagBlocks` behind, how long it
 * took to get back; and the longest stretch without a new finalized height. Times are inputs (ms
 * since the checker started), so the arithmetic is unit-testable with a fake clock.
 */
import { RECOVERY_EVENTS, type CheckerEventKind, type LagEpisode, type LivenessEvent } from './types.ts'

interface OpenEvent extends LivenessEvent {
  pending: Set<string>
}

export class LivenessTracker {
  readonly #lagBlocks: number
  readonly #heights = new Map<string, number>()
  readonly #events: OpenEvent[] = []
  readonly #lags: LagEpisode[] = []
  readonly #openLag = new Map<string, LagEpisode>()
  #head = -1
  #headSince = 0
  #maxStallMs = 0

  constructor (lagBlocks: number) {
    this.#lagBlocks = lagBlocks
  }

  get head (): number {
    return this.#head
  }

  height (node: string): number | undefined {
    return this.#heights.get(node)
  }

  /** A node reported `height` as finalized at `atMs`. */
  observe (node: string, height: number, atMs: number): void {
    this.#heights.set(node, Math.max(height, this.#heights.get(node) ?? -1))
    if (height > this.#head) {
      if (this.#head >= 0) this.#maxStallMs = Math.max(this.#maxStallMs, atMs - this.#headSince)
      this.#head = height
      this.#headSince = atMs
      for (const e of this.#events) {
        if (e.recoveryMs === null && RECOVERY_EVENTS.has(e.kind) && height > e.headAtEvent) e.recoveryMs = atMs - e.atMs
      }
    }
    for (const e of this.#events) {
      if (!e.pending.has(node) || height < e.headAtEvent) continue
      e.pending.delete(node)
      const entry = e.catchUp.find((c) => c.node === node)
      if (entry !== undefined) entry.ms = atMs - e.atMs
    }
    this.#trackLag(node, height, atMs)
  }

  #trackLag (node: string, height: number, atMs: number): void {
    const lag = this.#head - height
    const open = this.#openLag.get(node)
    if (open === undefined) {
      if (lag <= this.#lagBlocks) return
      const episode: LagEpisode = { node, startMs: atMs, fromHeight: height, headAtStart: this.#head, maxLag: lag, durationMs: null }
      this.#lags.push(episode)
      this.#openLag.set(node, episode)
      return
    }
    open.maxLag = Math.max(open.maxLag, lag)
    if (lag <= this.#lagBlocks) {
      open.durationMs = atMs - open.startMs
      this.#openLag.delete(node)
    }
  }

  /**
   * Records an event at `atMs`. `nodes` are the nodes it concerns; for a recovery event, each of them
   * that is below the current head must catch up to it (a node already there counts 0 ms).
   */
  mark (kind: CheckerEventKind, nodes: readonly string[], atMs: number): LivenessEvent {
    const head = Math.max(this.#head, 0)
    const event: OpenEvent = { kind, nodes: [...nodes], atMs, headAtEvent: head, recoveryMs: null, catchUp: [], pending: new Set() }
    if (RECOVERY_EVENTS.has(kind)) {
      for (const node of nodes) {
        const at = this.#heights.get(node)
        // a restarted or joining node must show it is up before it counts as caught up
        const fresh = kind === 'restart' || kind === 'join'
        if (!fresh && at !== undefined && at >= head) event.catchUp.push({ node, ms: 0 })
        else {
          event.catchUp.push({ node, ms: null })
          event.pending.add(node)
        }
      }
    }
    this.#events.push(event)
    return event
  }

  events (): LivenessEvent[] {
    return this.#events.map(({ pending: _pending, ...e }) => ({ ...e, nodes: [...e.nodes], catchUp: e.catchUp.map((c) => ({ ...c })) }))
  }

  lags (): LagEpisode[] {
    return this.#lags.map((l) => ({ ...l }))
  }

  /** The longest stall, counting the one still running at `nowMs`. */
  maxStallMs (nowMs: number): number {
    return this.#head < 0 ? 0 : Math.max(this.#maxStallMs, nowMs - this.#headSince)
  }
}
