/**
 * Proof of Cooperation as one serial state machine: Tendermint's algorithm ("The latest gossip on BFT
 * consensus", Buchman, Kwon, Milosevic, Algorithm 1) with voting power in place of process counts:
 * 2f+1 is "more than 2/3 of the power", f+1 is "more than 1/3". `step` is the only entry point and the
 * only code that changes round state. This file holds the state and the paper's primitives
 * (StartRound, broadcasting votes, timeouts); intake.ts admits messages, rules.ts holds the
 * upon-rules, resend.ts the re-sending.
 *
 * Beyond the paper, and why:
 * - A proposal carries its block; a decision needs the block of the 2/3 precommits from any proposal
 *   of the height (the certificate, not the proposal, is what makes it final).
 * - The propose timeout is scheduled by the proposer too (a no-op once it has prevoted), so a proposer
 *   whose signer refuses still leaves the round.
 * - A block more than maxClockDriftMs ahead of the local clock gets a nil prevote (SPEC §7); the app's
 *   verifyBlock stays clock-free so every node reaches the same verdict on a decided block.
 * - A POL seen late for a round after validRound becomes the valid value (tryLearnValidValue).
 * - The paper assumes gossip eventually delivers every message; a lossy network does not. So every
 *   rebroadcastMs the engine re-sends its own messages of the round, and when stuck that long it
 *   relays what justifies its round (resend.ts). Timeouts grow per round until they outlast that.
 */
import type { CID } from '../codec/index.ts'
import { VoteType, type Commit, type Proposal, type Vote } from './messages.ts'
import { DEFAULT_CONSENSUS_PARAMS, type ConsensusParams } from './params.ts'
import type { Validator, ValidatorSet } from './validator-set.ts'
import { timeoutDuration, type RoundStep } from './timeouts.ts'
import { withSignature } from './commit.ts'
import { HeightState, ownKey } from './height-state.ts'
import { ConsensusError, SignerError } from './errors.ts'
import { plainVerifier, type SignatureVerifier } from './verifier.ts'
import type { PrivValidator } from './signer.ts'
import { DEFAULT_FUTURE_BUFFER_SIZE, DEFAULT_MAX_FUTURE_ROUNDS_PER_VALIDATOR, DEFAULT_REBROADCAST_MS } from './constants.ts'
import { Intake } from './intake.ts'
import { runRules } from './rules.ts'
import { onTick } from './resend.ts'
import type { ConsensusApp, EngineInput, EngineOutput, EngineState, StartInput, TimeoutInput, WalEntry } from './types.ts'

export interface ConsensusEngineInit {
  /** Network id (genesis CID): every message must name it. */
  network: CID
  /** Shard this instance orders. Default 0. */
  shard?: number
  /** Consensus parameters (timeouts, clock drift). Default DEFAULT_CONSENSUS_PARAMS. */
  params?: ConsensusParams
  /** Re-send own messages of the round this often, relay the round's votes after this long stuck (ms). Default 2000. */
  rebroadcastMs?: number
  /** Rounds ahead of ours in which one validator's messages are kept. Default 4. */
  maxFutureRoundsPerValidator?: number
  /** Next-height messages held until that height starts. Default 4096. */
  futureBufferSize?: number
}

export interface ConsensusEngineComponents<B> {
  app: ConsensusApp<B>
  /** This node's signing guard; absent on a node that follows consensus without voting. */
  signer?: PrivValidator
  /** Signature checks; default plainVerifier (pass cachingVerifier() to share work with gossip). */
  verifier?: SignatureVerifier
}

export interface ConsensusEngine<B> {
  /** Consumes one input and returns what to do, in order (persist `wal` entries before what follows). */
  step: (input: EngineInput<B>) => Array<EngineOutput<B>>
  /**
   * Rebuilds the state of an interrupted height on a fresh engine by replaying its write-ahead log
   * (which begins with its `start` entry) through `step`. Messages this node signed are re-sent from
   * the log, never signed anew. Returns the outputs of the replay, without `wal` entries for what the
   * log already holds.
   */
  restore: (entries: ReadonlyArray<WalEntry<B>>) => Array<EngineOutput<B>>
  state: () => EngineState
}

export function consensusEngine<B> (init: ConsensusEngineInit): (components: ConsensusEngineComponents<B>) => ConsensusEngine<B> {
  return (components) => new Engine<B>(init, components)
}

/** A block the engine holds: the lock, the valid value, or a proposal's. */
export interface Held<B> { block: B, cid: CID, key: string }

interface Decision<B> extends Held<B> { round: number, commit: Commit }

const EMPTY_SET: ValidatorSet = { validators: [], totalPower: 0n, byDid: new Map() }

/**
 * The engine's state and primitives. Exported for its collaborators in this folder (intake, rules,
 * resend), which read and change it from inside `step`; everyone else uses consensusEngine().
 */
export class Engine<B> implements ConsensusEngine<B> {
  readonly network: CID
  readonly shard: number
  readonly params: ConsensusParams
  readonly rebroadcastMs: number
  readonly maxFutureRounds: number
  readonly futureBufferSize: number
  readonly app: ConsensusApp<B>
  readonly signer: PrivValidator | undefined
  readonly verifier: SignatureVerifier
  readonly intake: Intake<B>

  started = false
  height = 0
  round = 0
  roundStep: RoundStep = 'propose'
  decision: Decision<B> | null = null
  set: ValidatorSet = EMPTY_SET
  /** This node in the current validator set, if it is a validator. */
  me: Validator | undefined
  hs: HeightState<B> = new HeightState<B>(EMPTY_SET)
  lastCommit: Commit | null = null
  locked: Held<B> | null = null
  lockedRound = -1
  valid: Held<B> | null = null
  validRound = -1
  now = 0
  replaying = false
  private out: Array<EngineOutput<B>> = []
  /** Messages this node signed, by `height/round/kind`: re-sent after a restart, never re-signed. */
  readonly own = new Map<string, Vote | { proposal: Proposal, block: B }>()
  lastProgressAt = 0
  lastRelayAt = -Infinity
  /** When our own messages of the round last went out (re-sent every rebroadcastMs until decided). */
  lastOwnSentAt = 0

  constructor (init: ConsensusEngineInit, components: ConsensusEngineComponents<B>) {
    this.network = init.network
    this.shard = init.shard ?? 0
    this.params = init.params ?? DEFAULT_CONSENSUS_PARAMS
    this.rebroadcastMs = init.rebroadcastMs ?? DEFAULT_REBROADCAST_MS
    this.maxFutureRounds = init.maxFutureRoundsPerValidator ?? DEFAULT_MAX_FUTURE_ROUNDS_PER_VALIDATOR
    this.futureBufferSize = init.futureBufferSize ?? DEFAULT_FUTURE_BUFFER_SIZE
    this.app = components.app
    this.signer = components.signer
    this.verifier = components.verifier ?? plainVerifier
    this.intake = new Intake<B>(this)
  }

  step (input: EngineInput<B>): Array<EngineOutput<B>> {
    this.now = input.now
    switch (input.type) {
      case 'start': this.onStart(input); break
      case 'proposal': this.intake.proposal(input); break
      case 'vote': this.intake.vote(input); break
      case 'commit': this.intake.commit(input); break
      case 'timeout': this.onTimeout(input); break
      case 'tick': onTick(this); break
    }
    const out = this.out
    this.out = []
    return out
  }

  restore (entries: ReadonlyArray<WalEntry<B>>): Array<EngineOutput<B>> {
    if (this.started) throw new ConsensusError('ALREADY_STARTED', 'restore() needs a fresh engine')
    const first = entries[0]
    if (first?.type !== 'start') return []
    const did = this.signer?.did
    for (const e of entries) {
      if (e.type === 'proposal' && e.proposal.proposer === did && e.proposal.height === first.height) {
        this.own.set(ownKey(e.proposal.height, e.proposal.round, 'proposal'), { proposal: e.proposal, block: e.block })
      } else if (e.type === 'vote' && e.vote.validator === did && e.vote.height === first.height) {
        this.own.set(ownKey(e.vote.height, e.vote.round, e.vote.type), e.vote)
      }
    }
    this.replaying = true
    const out: Array<EngineOutput<B>> = []
    try {
      for (const e of entries) out.push(...this.step(e))
    } finally {
      this.replaying = false
    }
    return out
  }

  state (): EngineState {
    return {
      started: this.started,
      height: this.height,
      round: this.round,
      step: this.roundStep,
      decided: this.decision !== null,
      validator: this.me !== undefined,
      lockedRound: this.lockedRound,
      lockedBlock: this.locked?.cid ?? null,
      validRound: this.validRound,
      validBlock: this.valid?.cid ?? null
    }
  }

  emit (output: EngineOutput<B>): void {
    if (this.replaying && output.type === 'rejected') return
    this.out.push(output)
  }

  /** Logs an accepted input; during restore the log already holds it. */
  log (entry: WalEntry<B>): void {
    if (!this.replaying) this.out.push({ type: 'wal', entry })
  }

  progress (): void {
    this.lastProgressAt = this.now
  }

  private onStart (input: StartInput): void {
    const next = this.decision !== null && input.height === this.height + 1
    if (this.started && !next) {
      this.intake.reject('start', 'UNEXPECTED_START', `start of height ${input.height} while at ${this.height}`)
      return
    }
    // Our own certificate of the previous height may hold late precommits the stored one lacks.
    const lastCommit = next ? this.decision!.commit : input.lastCommit
    this.started = true
    this.height = input.height
    this.decision = null
    this.set = this.app.validatorSet(input.height)
    this.me = this.signer === undefined ? undefined : this.set.byDid.get(this.signer.did)
    this.hs = new HeightState<B>(this.set)
    this.lastCommit = lastCommit
    this.locked = null
    this.lockedRound = -1
    this.valid = null
    this.validRound = -1
    for (const k of [...this.own.keys()]) if (!k.startsWith(`${input.height}/`)) this.own.delete(k)
    this.log({ type: 'start', now: input.now, height: input.height, lastCommit })
    this.startRound(0)
    this.intake.drainFuture()
    this.advance()
  }

  /** Evaluates the upon-rules until none fires: the fixpoint after every input (rules.ts). */
  advance (): void {
    runRules(this)
  }

  /** StartRound(round), paper lines 11–21. */
  startRound (round: number): void {
    this.round = round
    this.roundStep = 'propose'
    this.progress()
    if (this.me !== undefined && this.app.proposer(this.height, round) === this.me.did) this.propose()
    this.schedule('propose')
  }

  private propose (): void {
    const key = ownKey(this.height, this.round, 'proposal')
    let sent = this.own.get(key) as { proposal: Proposal, block: B } | undefined
    if (sent === undefined) {
      // Lines 15–18: re-propose the valid value (with its POL round) or ask the app for a new block.
      const value = this.valid ?? this.app.buildBlock({ height: this.height, round: this.round, timestamp: this.now, lastCommit: this.lastCommit })
      const body = {
        network: this.network,
        shard: this.shard,
        height: this.height,
        round: this.round,
        validRound: this.valid !== null ? this.validRound : null,
        block: value.cid,
        proposer: this.me!.did
      }
      let proposal: Proposal
      try {
        proposal = this.signer!.signProposal(body)
      } catch (err) {
        // Never sign over an earlier proposal; without its block we cannot re-send it either.
        if (err instanceof SignerError) return
        throw err
      }
      sent = { proposal, block: value.block }
      this.own.set(key, sent)
      this.out.push({ type: 'wal', entry: { type: 'proposal', now: this.now, proposal, block: value.block } })
    }
    this.emit({ type: 'broadcast-proposal', proposal: sent.proposal, block: sent.block })
    this.lastOwnSentAt = this.now
    this.intake.storeOwnProposal(sent.proposal, sent.block)
  }

  /**
   * Signs and sends this node's vote for the current round (nothing on a non-validator). A vote
   * already signed for this (height, round, type) — from before a restart — is sent again instead.
   */
  castVote (type: VoteType, target: Held<B> | null): Vote | undefined {
    if (this.me === undefined) return undefined
    const key = ownKey(this.height, this.round, type)
    let vote = this.own.get(key) as Vote | undefined
    if (vote === undefined) {
      const body = { network: this.network, shard: this.shard, height: this.height, round: this.round, type, block: target?.cid ?? null, validator: this.me.did }
      try {
        vote = this.signer!.signVote(body)
      } catch (err) {
        if (!(err instanceof SignerError)) throw err
        if (err.code !== 'DOUBLE_SIGN') return undefined
        vote = err.previous as Vote
      }
      this.own.set(key, vote)
      this.out.push({ type: 'wal', entry: { type: 'vote', now: this.now, vote } })
    }
    this.emit({ type: 'broadcast-vote', vote })
    this.lastOwnSentAt = this.now
    this.intake.countOwnVote(vote, this.me.power)
    return vote
  }

  schedule (step: RoundStep): void {
    this.emit({ type: 'schedule-timeout', timeout: { height: this.height, round: this.round, step, durationMs: timeoutDuration(this.params, step, this.round) } })
  }

  /** valid(v): the app's verdict, cached per block for the height. */
  isValid (held: Held<B>): boolean {
    let verdict = this.hs.verdicts.get(held.key)
    if (verdict === undefined) {
      verdict = this.app.verifyBlock(this.height, held.block, held.cid)
      this.hs.verdicts.set(held.key, verdict)
    }
    return verdict.ok
  }

  decide (round: number, held: Held<B>, commit: Commit): void {
    this.decision = { ...held, round, commit }
    this.progress()
    this.emit({ type: 'decide', height: this.height, round, block: held.block, cid: held.cid, commit })
  }

  /** The decision's certificate grew by a late precommit (kept for the next block's lastCommit). */
  extendCommit (vote: Vote): void {
    this.decision!.commit = withSignature(this.decision!.commit, { validator: vote.validator, signature: vote.signature })
  }

  prevote (target: Held<B> | null): void {
    this.castVote(VoteType.Prevote, target)
    this.enterStep('prevote')
  }

  enterStep (step: RoundStep): void {
    this.roundStep = step
    this.progress()
  }

  /** Lines 57–65: OnTimeoutPropose / OnTimeoutPrevote / OnTimeoutPrecommit. */
  private onTimeout (t: TimeoutInput): void {
    if (!this.started || this.decision !== null || t.height !== this.height || t.round !== this.round) return
    if (t.step === 'propose' && this.roundStep === 'propose') {
      this.log(t)
      this.prevote(null)
    } else if (t.step === 'prevote' && this.roundStep === 'prevote') {
      this.log(t)
      this.castVote(VoteType.Precommit, null)
      this.enterStep('precommit')
    } else if (t.step === 'precommit') {
      this.log(t)
      this.startRound(this.round + 1)
    } else {
      return
    }
    this.advance()
  }
}
