/**
 * The simulated network: every send gets a random delay (with rare spikes, so messages reorder),
 * may be lost or duplicated, and is dropped if a partition separates the two nodes when it is sent
 * or when it would arrive.
 */
import type { Commit, Proposal, Vote } from '../../../src/consensus/index.ts'
import type { SimBlock } from './app.ts'
import type { Prng } from './prng.ts'
import type { Scenario } from './scenario.ts'

export type NetMessage =
  | { kind: 'proposal', proposal: Proposal, block: SimBlock }
  | { kind: 'vote', vote: Vote }
  | { kind: 'sync-request', fromHeight: number }
  | { kind: 'sync-response', entries: Array<{ block: SimBlock, commit: Commit }> }

export interface Delivery { to: number, from: number, msg: NetMessage }

export class SimNetwork {
  private readonly rng: Prng
  private readonly net: Scenario['net']
  private readonly nodes: number
  /** side[i] is the partition side of node i; all equal when healed. */
  private side: number[]
  sent = 0
  dropped = 0

  constructor (rng: Prng, scenario: Scenario) {
    this.rng = rng
    this.net = scenario.net
    this.nodes = scenario.validators
    this.side = new Array<number>(this.nodes).fill(0)
  }

  partition (sideA: readonly number[]): void {
    this.side = Array.from({ length: this.nodes }, (_, i) => (sideA.includes(i) ? 1 : 0))
  }

  heal (): void {
    this.side.fill(0)
  }

  connected (a: number, b: number): boolean {
    return this.side[a] === this.side[b]
  }

  /** Components of the current partition. */
  components (): number[][] {
    const a = [...Array(this.nodes).keys()].filter((i) => this.side[i] === 0)
    const b = [...Array(this.nodes).keys()].filter((i) => this.side[i] === 1)
    return [a, b].filter((c) => c.length > 0)
  }

  /** The arrival delays of one send: none if lost, two if duplicated. */
  send (from: number, to: number): number[] {
    this.sent++
    if (!this.connected(from, to) || this.rng.chance(this.net.loss)) {
      this.dropped++
      return []
    }
    const delays = [this.delay()]
    if (this.rng.chance(this.net.duplicate)) delays.push(this.delay())
    return delays
  }

  private delay (): number {
    const base = this.rng.range(this.net.minDelayMs, this.net.maxDelayMs)
    return this.rng.chance(this.net.spike) ? base + this.rng.range(200, 2000) : base
  }
}
