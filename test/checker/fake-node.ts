/** A node view for checker tests: a chain of CIDs that a test can grow, stop, make unreachable or forge. */
import type { NodeView, ViewStatus } from '../../src/checker/index.ts'

export class FakeNode implements NodeView {
  readonly name: string
  /** CIDs by height, from genesis (height 0). */
  chain: string[]
  /** Known not to run: status answers undefined. */
  down = false
  /** Does not answer: every read throws. */
  unreachable = false
  statusReads = 0
  blockReads = 0

  constructor (name: string, chain: readonly string[]) {
    this.name = name
    this.chain = [...chain]
  }

  async status (_signal: AbortSignal): Promise<ViewStatus | undefined> {
    this.statusReads++
    if (this.unreachable) throw new Error(`${this.name} does not answer`)
    if (this.down) return undefined
    const height = this.chain.length - 1
    return { finalizedHeight: height, finalizedCid: this.chain[height] ?? null }
  }

  async blockCid (height: number, _signal: AbortSignal): Promise<string | undefined> {
    this.blockReads++
    if (this.unreachable || this.down) throw new Error(`${this.name} does not answer`)
    return this.chain[height]
  }
}

/** `count` block CIDs of one chain, `bafy-<label>-<height>`, from genesis. */
export function chainOf (count: number, label = 'main'): string[] {
  return Array.from({ length: count }, (_, h) => `bafy-${label}-${h}`)
}

/** A clock a test moves by hand. */
export class FakeClock {
  t = 1_000_000
  readonly now = (): number => this.t
  advance (ms: number): void {
    this.t += ms
  }
}
