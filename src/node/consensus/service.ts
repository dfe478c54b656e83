/**
 * The consensus engine's I/O edge (the "reactor"): it feeds the pure engine one input at a time and
 * carries out its outputs — persist WAL entries before anything that follows them, gossip proposals
 * and votes, run timeouts on the real clock, commit decided blocks, and report peers that sent
 * invalid messages. Inputs from the network wait in a bounded queue so a flood cannot starve
 * timeouts or the event loop: control inputs (start, timeouts, ticks) always go first, and when the
 * message queue is full the oldest message is dropped (the engine re-sends and relays what matters).
 */
import type { Logger } from 'pino'
import type { CID } from '../../codec/index.ts'
import {
  consensusEngine, type ConsensusEngine, type ConsensusError, type ConsensusParams, type EngineInput, type EngineOutput,
  type EngineState, type Evidence, type PrivValidator, type Proposal, type SignatureVerifier, type Vote, type Commit, type WalEntry
} from '../../consensus/index.ts'
import type { Block, ExecutedBlock, LedgerChain, Tx } from '../../ledger/index.ts'
import { LedgerApp } from './ledger-app.ts'
import type { WalFile } from './wal-file.ts'

export interface ConsensusBroadcaster {
  proposal: (proposal: Proposal, block: Block) => void
  vote: (vote: Vote) => void
  evidence: (evidence: Evidence) => void
}

export interface ConsensusServiceComponents {
  network: CID
  shard?: number
  params: () => ConsensusParams
  chain: () => LedgerChain
  /** The commit certificate stored with the head block (null at genesis). */
  headCommit: () => Commit | null
  /** Mempool transactions for the next block, best first. */
  candidates: () => Iterable<Tx>
  /** Persists a decided block with its certificate; the head moves when this resolves. */
  commit: (block: Block, commit: Commit, executed: ExecutedBlock | undefined) => Promise<void>
  broadcast: ConsensusBroadcaster
  /** Absent on a node that follows consensus without voting. */
  signer?: PrivValidator
  verifier?: SignatureVerifier
  wal: WalFile
  logger: Logger
  /** Peers are at a height we have not decided: fetch blocks. */
  onBehind?: (height: number, from: string | undefined) => void
  /** A peer's message was refused by the engine (bad signature, unknown validator, …). */
  onRejected?: (error: ConsensusError, from: string) => void
  /** A block was decided and committed. */
  onCommitted?: (height: number, cid: CID, round: number) => void
  /** Local clock; default Date.now. */
  now?: () => number
}

export interface ConsensusServiceInit {
  /** Wait after a commit before starting the next height: late precommits still join the certificate (a validator is not charged a miss for being a few ms slower than the quorum) and proposers gather transactions. Default 400 ms. */
  commitDelayMs?: number
  /** How often the engine gets a clock tick (re-broadcast, relay when stuck). Default 500 ms. */
  tickMs?: number
  /** Network messages waiting for the engine; the oldest is dropped beyond this. Default 20_000. */
  maxQueuedMessages?: number
  rebroadcastMs?: number
}

type MessageInput = Extract<EngineInput<Block>, { type: 'proposal' | 'vote' | 'commit' }>

/** Network messages remembered for a restart after sync (a few heights of a large validator set). */
const RECENT_MESSAGES = 4096

function messageHeight (m: MessageInput): number {
  switch (m.type) {
    case 'proposal': return m.proposal.height
    case 'vote': return m.vote.height
    case 'commit': return m.commit.height
  }
}

export class ConsensusService {
  readonly #c: ConsensusServiceComponents
  readonly #app: LedgerApp
  readonly #commitDelayMs: number
  readonly #tickMs: number
  readonly #maxQueued: number
  readonly #rebroadcastMs: number | undefined
  readonly #now: () => number
  readonly #log: Logger
  #engine: ConsensusEngine<Block>
  #control: Array<EngineInput<Block>> = []
  #messages: MessageInput[] = []
  #timers = new Set<NodeJS.Timeout>()
  #ticker: NodeJS.Timeout | undefined
  #running = false
  #draining = false
  #committing = false
  #dropped = 0
  /** Recent network messages, replayed into a fresh engine after a sync moved the head. */
  #recent: MessageInput[] = []

  constructor (components: ConsensusServiceComponents, init: ConsensusServiceInit = {}) {
    this.#c = components
    this.#commitDelayMs = init.commitDelayMs ?? 400
    this.#tickMs = init.tickMs ?? 500
    this.#maxQueued = init.maxQueuedMessages ?? 20_000
    this.#rebroadcastMs = init.rebroadcastMs
    this.#now = components.now ?? Date.now
    this.#log = components.logger
    this.#app = new LedgerApp({
      chain: components.chain,
      candidates: components.candidates,
      did: components.signer?.did ?? '',
      ...(components.verifier !== undefined ? { verifier: components.verifier } : {})
    })
    this.#engine = this.#newEngine()
  }

  #newEngine (): ConsensusEngine<Block> {
    return consensusEngine<Block>({
      network: this.#c.network,
      shard: this.#c.shard ?? 0,
      params: this.#c.params(),
      ...(this.#rebroadcastMs !== undefined ? { rebroadcastMs: this.#rebroadcastMs } : {})
    })({
      app: this.#app,
      ...(this.#c.signer !== undefined ? { signer: this.#c.signer } : {}),
      ...(this.#c.verifier !== undefined ? { verifier: this.#c.verifier } : {})
    })
  }

  get running (): boolean { return this.#running }
  get droppedMessages (): number { return this.#dropped }

  state (): EngineState {
    return this.#engine.state()
  }

  /**
   * Starts at the height after the committed head: replays the write-ahead log when it belongs to
   * that height (a restart mid-height re-sends what this node signed, never signs anew), otherwise
   * starts the height fresh.
   */
  start (): void {
    if (this.#running) return
    this.#running = true
    const height = this.#c.chain().height + 1
    const entries = this.#c.wal.read(this.#c.params().maxBlockBytes)
    const first = entries[0]
    if (first?.type === 'start' && first.height === height) {
      this.#log.info({ height, entries: entries.length }, 'replaying consensus write-ahead log')
      this.#carryOut(this.#engine.restore(entries))
    } else {
      this.#control.push({ type: 'start', now: this.#now(), height, lastCommit: this.#c.headCommit() })
    }
    this.#ticker = setInterval(() => { this.#pushControl({ type: 'tick', now: 0 }) }, this.#tickMs)
    this.#drain()
  }

  stop (): void {
    this.#running = false
    if (this.#ticker !== undefined) clearInterval(this.#ticker)
    this.#ticker = undefined
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
    this.#control = []
    this.#messages = []
    this.#c.wal.close()
  }

  /**
   * The head moved without this engine (sync applied blocks): start over at the new height with a
   * fresh engine. Messages for the old height are dropped; the WAL of an abandoned height is reset.
   */
  restartAtHead (): void {
    if (!this.#running) return
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
    this.#app.clear()
    this.#c.wal.reset()
    this.#engine = this.#newEngine()
    const height = this.#c.chain().height + 1
    this.#control = [{ type: 'start', now: this.#now(), height, lastCommit: this.#c.headCommit() }]
    // Votes and proposals of the new height may have arrived while we were behind; without them the
    // fresh engine would wait for messages its peers already sent (and stay one height behind).
    this.#messages = this.#recent.filter((m) => messageHeight(m) >= height)
    this.#drain()
  }

  /** A proposal, vote or decided block from the network, already decoded and validated by gossip. */
  push (input: MessageInput): void {
    if (!this.#running) return
    if (this.#messages.length >= this.#maxQueued) {
      this.#messages.shift()
      this.#dropped++
    }
    this.#messages.push(input)
    this.#recent.push(input)
    if (this.#recent.length > RECENT_MESSAGES) this.#recent.splice(0, this.#recent.length - RECENT_MESSAGES / 2)
    this.#drain()
  }

  #pushControl (input: EngineInput<Block>): void {
    if (!this.#running) return
    this.#control.push(input)
    this.#drain()
  }

  /** Runs queued inputs one by one; yields to the event loop every batch so I/O keeps flowing. */
  #drain (): void {
    if (this.#draining || this.#committing || !this.#running) return
    this.#draining = true
    setImmediate(() => {
      this.#draining = false
      let budget = 256
      while (this.#running && !this.#committing && budget-- > 0) {
        const input = this.#control.shift() ?? this.#messages.shift()
        if (input === undefined) return
        this.#step(input)
      }
      if (this.#running && !this.#committing && (this.#control.length > 0 || this.#messages.length > 0)) this.#drain()
    })
  }

  #step (input: EngineInput<Block>): void {
    let outputs: Array<EngineOutput<Block>>
    try {
      outputs = this.#engine.step({ ...input, now: this.#now() } as EngineInput<Block>)
    } catch (err) {
      this.#log.error({ err, input: input.type }, 'consensus step failed')
      return
    }
    this.#carryOut(outputs)
  }

  /**
   * Carries out outputs in order. If one fails (the WAL cannot be written, say), nothing after it
   * happens and consensus stops: a vote that was not logged must never be sent.
   */
  #carryOut (outputs: Array<EngineOutput<Block>>): void {
    try {
      this.#carryOutUnsafe(outputs)
    } catch (err) {
      this.#log.fatal({ err }, 'consensus output failed; consensus stops to stay safe')
      this.stop()
    }
  }

  #carryOutUnsafe (outputs: Array<EngineOutput<Block>>): void {
    for (const out of outputs) {
      switch (out.type) {
        case 'wal': this.#c.wal.append(out.entry, this.#isOwn(out.entry)); break
        case 'broadcast-proposal': this.#c.broadcast.proposal(out.proposal, out.block); break
        case 'broadcast-vote': this.#c.broadcast.vote(out.vote); break
        case 'schedule-timeout': this.#schedule(out.timeout.durationMs, { type: 'timeout', now: 0, height: out.timeout.height, round: out.timeout.round, step: out.timeout.step }); break
        case 'decide': this.#decide(out.height, out.round, out.block, out.cid, out.commit); return
        case 'evidence': this.#c.broadcast.evidence(out.evidence); break
        case 'rejected':
          if (out.from !== undefined) this.#c.onRejected?.(out.error, out.from)
          this.#log.debug({ code: out.error.code, from: out.from, input: out.input }, 'consensus input rejected')
          break
        case 'behind': this.#c.onBehind?.(out.height, out.from); break
      }
    }
  }

  /** Entries that must be durable before what follows: our own signed messages. */
  #isOwn (entry: WalEntry<Block>): boolean {
    const did = this.#c.signer?.did
    if (did === undefined) return false
    if (entry.type === 'vote') return entry.vote.validator === did
    if (entry.type === 'proposal') return entry.proposal.proposer === did
    return false
  }

  #schedule (ms: number, input: EngineInput<Block>): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      this.#pushControl(input)
    }, ms)
    this.#timers.add(timer)
  }

  /** Commits a decided block, then starts the next height after the commit delay. */
  #decide (height: number, round: number, block: Block, cid: CID, commit: Commit): void {
    this.#committing = true
    const executed = this.#app.takeExecution(cid)
    this.#c.commit(block, commit, executed).then(() => {
      this.#committing = false
      this.#c.onCommitted?.(height, cid, round)
      this.#schedule(this.#commitDelayMs, { type: 'start', now: 0, height: height + 1, lastCommit: commit })
      this.#drain()
    }, (err: unknown) => {
      // The head did not move: the engine stays decided and the node must not vote on; stop loudly.
      this.#committing = false
      this.#log.fatal({ err, height }, 'could not commit a decided block; consensus stops')
      this.stop()
    })
  }
}
