/**
 * One simulated node: what survives a crash (its committed chain, its write-ahead log, its signer
 * state — the "disk") and what does not (the engine and app in memory). Restarting rebuilds the
 * engine from the disk exactly as the real node must: restore() the log of an unfinished height,
 * otherwise start the next height fresh.
 */
import type { KeyPair } from '../../../src/identity/index.ts'
import {
  consensusEngine, createPrivValidator, memorySignerStore,
  type ConsensusEngine, type Commit, type SignerStore, type WalEntry
} from '../../../src/consensus/index.ts'
import { SimApp, type ChainEntry, type SimBlock, type SimWorld } from './app.ts'
import type { ClockDrift, Scenario } from './scenario.ts'

export class SimNode {
  readonly id: number
  readonly key: KeyPair
  readonly byzantine: boolean
  readonly clock: ClockDrift
  // The disk.
  readonly chain: ChainEntry[] = []
  wal: Array<WalEntry<SimBlock>> = []
  signerStore: SignerStore = memorySignerStore()
  // Memory.
  up = false
  /** Bumped on crash and restart; events of an older incarnation are dropped. */
  incarnation = 0
  app: SimApp | undefined
  engine: ConsensusEngine<SimBlock> | undefined
  readonly pendingSync = new Map<number, { block: SimBlock, commit: Commit }>()
  lastSyncAt = -Infinity

  constructor (id: number, key: KeyPair, byzantine: boolean, clock: ClockDrift) {
    this.id = id
    this.key = key
    this.byzantine = byzantine
    this.clock = clock
  }

  /** Local clock reading at global time `t` (offset plus rate drift, integer ms). */
  localTime (t: number): number {
    return t + this.clock.offsetMs + Math.trunc(t * this.clock.ratePpm / 1_000_000)
  }

  /** Global time that passes while this node's clock advances `ms`. */
  globalDuration (ms: number): number {
    return Math.max(1, Math.ceil(ms * 1_000_000 / (1_000_000 + this.clock.ratePpm)))
  }

  persist (entry: WalEntry<SimBlock>): void {
    if (entry.type === 'start') this.wal = [entry]
    else this.wal.push(entry)
  }

  /** `amnesia`: the crash also loses the write-ahead log and signer state (negative control only). */
  crash (amnesia = false): void {
    if (amnesia) {
      this.wal = []
      this.signerStore = memorySignerStore()
    }
    this.up = false
    this.incarnation++
    this.engine = undefined
    this.app = undefined
    this.pendingSync.clear()
  }

  /** Boots from the disk; returns true when the log of an unfinished height should be restored. */
  boot (world: SimWorld, scenario: Scenario): boolean {
    this.up = true
    this.incarnation++
    this.app = new SimApp(world, this.chain)
    this.engine = consensusEngine<SimBlock>({ network: world.network, params: world.params, rebroadcastMs: scenario.rebroadcastMs })({
      app: this.app,
      signer: createPrivValidator(this.key, this.signerStore),
      verifier: world.verifier
    })
    const first = this.wal[0]
    return first?.type === 'start' && first.height === this.chain.length + 1
  }
}
