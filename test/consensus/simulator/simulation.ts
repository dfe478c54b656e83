/**
 * A deterministic simulation of N consensus engines (TigerBeetle VOPR style): one seeded PRNG drives
 * the network, faults, clocks and the adversary; a discrete event queue drives time. The same seed
 * replays the same run event for event, which the trace hash proves.
 */
import { createHash } from 'node:crypto'
import { cidOf, encode, sha256 } from '../../../src/codec/index.ts'
import { keyPairFromSeed, type KeyPair } from '../../../src/identity/index.ts'
import {
  blockKey, cachingVerifier, computeValidatorSet, hasTwoThirds, PPM, REPUTATION_SCALE,
  type EngineInput, type EngineOutput, type TimeoutInfo, type ValidatorSet
} from '../../../src/consensus/index.ts'
import type { SimBlock, SimWorld } from './app.ts'
import { Checker, type Violation } from './checker.ts'
import { Adversary } from './adversary.ts'
import { SimNetwork, type NetMessage } from './network.ts'
import { SimNode } from './node.ts'
import { Prng } from './prng.ts'
import { EventQueue } from './queue.ts'
import { scenarioFor, type Scenario, type ScenarioOverrides } from './scenario.ts'

type SimEvent =
  | { type: 'deliver', to: number, from: number, msg: NetMessage }
  | { type: 'timeout', node: number, inc: number, timeout: TimeoutInfo }
  | { type: 'tick', node: number, inc: number }
  | { type: 'start', node: number, inc: number }
  | { type: 'crash', node: number, downMs: number }
  | { type: 'restart', node: number }
  | { type: 'partition', side: number[] }
  | { type: 'heal' }

export interface SimOptions extends ScenarioOverrides {
  /** Keep the human-readable trace lines (for --trace). */
  trace?: boolean
  /** Stop at the first violation (default true). */
  stopOnViolation?: boolean
  /** Override the scenario entirely. */
  scenario?: Scenario
  /** Stop once this height is final somewhere (benchmarks). */
  untilHeight?: number
  /** Crashes lose the WAL and signer state: a negative control that must end in double-signs. */
  amnesia?: boolean
}

export interface SimResult {
  seed: number
  scenario: Scenario
  violations: Violation[]
  traceHash: string
  trace: string[]
  stats: {
    events: number
    height: number
    finalizations: number
    messages: number
    dropped: number
    evidence: number
    attacks: number
    maxRound: number
    crashes: number
    /** Restarts that restored an unfinished height from the write-ahead log. */
    restores: number
    partitions: number
    /** Sync requests sent by nodes that found themselves behind. */
    syncRequests: number
    /** Longest wait for a new height while a quorum was up and connected (ms). */
    maxStallMs: number
    rejected: Record<string, number>
    simulatedMs: number
  }
}

const SYNC_BATCH = 16
const SYNC_INTERVAL_MS = 500

const KEYS: KeyPair[] = []
/** Validator keys are fixed per index (cheap to reuse across runs); powers come from the seed. */
function simKey (i: number): KeyPair {
  while (KEYS.length <= i) KEYS.push(keyPairFromSeed(sha256(encode(['icn-sim-validator', KEYS.length]))))
  return KEYS[i]!
}

/** Validator set from seeded synthetic candidates; byzantine ids trimmed below 1/3 unless forced. */
function createWorld (scenario: Scenario, forceByzantine: boolean): { world: SimWorld, byzantine: number[] } {
  const rng = new Prng(scenario.seed).fork()
  const candidates = Array.from({ length: scenario.validators }, (_, i) => ({
    did: simKey(i).did,
    reputation: rng.range(100, 2000) * REPUTATION_SCALE,
    performance: rng.range(PPM / 2, PPM),
    missed: 0,
    sanctionLevel: 0,
    member: true
  }))
  const set: ValidatorSet = computeValidatorSet(candidates, scenario.params)
  const byzantine = [...scenario.byzantine]
  const power = (ids: number[]): bigint => ids.reduce((a, i) => a + set.byDid.get(simKey(i).did)!.power, 0n)
  while (!forceByzantine && byzantine.length > 0 && power(byzantine) * 3n >= set.totalPower) byzantine.pop()
  const world: SimWorld = {
    seed: scenario.seed,
    txs: scenario.txs,
    network: cidOf({ network: 'icn-sim', seed: scenario.seed }),
    set,
    params: scenario.params,
    genesis: { cid: cidOf({ genesis: scenario.seed }), timestamp: 0, stateRoot: sha256(encode(['genesis', scenario.seed])) },
    verifier: cachingVerifier(),
    cids: new WeakMap()
  }
  return { world, byzantine }
}

export class Simulation {
  readonly scenario: Scenario
  readonly world: SimWorld
  readonly nodes: SimNode[]
  readonly checker: Checker
  private readonly queue = new EventQueue<SimEvent>()
  private readonly net: SimNetwork
  private readonly adversary: Adversary
  private readonly syncRng: Prng
  private readonly hash = createHash('sha256')
  private readonly trace: string[] | undefined
  private readonly stopOnViolation: boolean
  private readonly untilHeight: number
  private readonly amnesia: boolean
  private readonly index: Map<string, number>
  private readonly rejected: Record<string, number> = {}
  private now = 0
  /** Cached quorum(); undefined when the partition or a node's up state changed. */
  private quorumCache: number[] | null | undefined
  private events = 0
  private evidence = 0
  private readonly counts = { crashes: 0, restores: 0, partitions: 0, syncRequests: 0 }
  private maxRound = 0

  constructor (seed: number, opts: SimOptions = {}) {
    this.scenario = opts.scenario ?? scenarioFor(seed, opts)
    const { world, byzantine } = createWorld(this.scenario, opts.byzantine !== undefined)
    this.scenario = { ...this.scenario, byzantine }
    this.world = world
    this.trace = opts.trace === true ? [] : undefined
    this.stopOnViolation = opts.stopOnViolation ?? true
    this.untilHeight = opts.untilHeight ?? Infinity
    this.amnesia = opts.amnesia ?? false
    const rng = new Prng(seed)
    this.net = new SimNetwork(rng.fork(), this.scenario)
    this.syncRng = rng.fork()
    this.nodes = Array.from({ length: this.scenario.validators }, (_, i) => new SimNode(i, simKey(i), byzantine.includes(i), this.scenario.clocks[i]!))
    this.index = new Map(this.nodes.map((n) => [n.key.did, n.id]))
    const byzDids = new Set(this.nodes.filter((n) => n.byzantine).map((n) => n.key.did))
    this.checker = new Checker((did) => !byzDids.has(did), this.scenario.livenessBoundMs)
    this.adversary = new Adversary({
      world,
      nodes: this.nodes,
      send: (from, to, msg) => this.send(from, to, msg),
      localNow: (node) => node.localTime(this.now)
    }, rng.fork())
  }

  run (): SimResult {
    const s = this.scenario
    for (const node of this.nodes) if (!node.byzantine) this.boot(node)
    const faultEnd = s.faultPhaseMs
    for (const p of s.partitions) {
      this.queue.push(p.at, { type: 'partition', side: p.side })
      this.queue.push(Math.min(p.at + p.durationMs, faultEnd), { type: 'heal' })
    }
    for (const c of s.crashes) this.queue.push(c.at, { type: 'crash', node: c.node, downMs: Math.min(c.downMs, faultEnd - c.at) })
    const end = s.faultPhaseMs + s.quietPhaseMs
    for (let item = this.queue.pop(); item !== undefined && item.at <= end; item = this.queue.pop()) {
      this.now = item.at
      this.events++
      this.process(item.event)
      this.checker.checkLiveness(this.now, this.quorum(), (n) => this.nodes[n]!.chain.length)
      if (this.stopOnViolation && this.checker.violations.length > 0) break
      if (this.checker.maxHeight >= this.untilHeight) break
    }
    return {
      seed: s.seed,
      scenario: s,
      violations: this.checker.violations,
      traceHash: this.hash.digest('hex'),
      trace: this.trace ?? [],
      stats: {
        events: this.events,
        height: this.checker.maxHeight,
        finalizations: this.checker.finalizations,
        messages: this.net.sent,
        dropped: this.net.dropped,
        evidence: this.evidence,
        attacks: this.adversary.attacks,
        maxRound: this.maxRound,
        crashes: this.counts.crashes,
        restores: this.counts.restores,
        partitions: this.counts.partitions,
        syncRequests: this.counts.syncRequests,
        maxStallMs: this.checker.maxStallMs,
        rejected: this.rejected,
        simulatedMs: this.now
      }
    }
  }

  private record (line: string): void {
    this.hash.update(line)
    this.hash.update('\n')
    this.trace?.push(line)
  }

  private process (e: SimEvent): void {
    if (e.type === 'crash' || e.type === 'restart' || e.type === 'partition' || e.type === 'heal') this.quorumCache = undefined
    switch (e.type) {
      case 'deliver': return this.deliver(e.to, e.from, e.msg)
      case 'timeout': {
        const node = this.live(e.node, e.inc)
        if (node === undefined) return
        this.record(`${this.now} timeout n${node.id} h${e.timeout.height} r${e.timeout.round} ${e.timeout.step}`)
        this.step(node, { type: 'timeout', now: node.localTime(this.now), height: e.timeout.height, round: e.timeout.round, step: e.timeout.step })
        return
      }
      case 'tick': {
        const node = this.live(e.node, e.inc)
        if (node === undefined) return
        this.step(node, { type: 'tick', now: node.localTime(this.now) })
        this.queue.push(this.now + node.globalDuration(this.scenario.tickMs), { type: 'tick', node: node.id, inc: node.incarnation })
        return
      }
      case 'start': {
        const node = this.live(e.node, e.inc)
        if (node !== undefined) this.startNext(node)
        return
      }
      case 'crash': {
        const node = this.nodes[e.node]!
        if (!node.up) return
        this.record(`${this.now} crash n${node.id}`)
        this.counts.crashes++
        node.crash(this.amnesia)
        this.queue.push(this.now + Math.max(1, e.downMs), { type: 'restart', node: node.id })
        return
      }
      case 'restart': {
        const node = this.nodes[e.node]!
        if (node.up) return
        this.record(`${this.now} restart n${node.id} chain=${node.chain.length} wal=${node.wal.length}`)
        this.checker.onRestart(node.id, node.chain.map((c) => c.cid), this.now)
        this.boot(node)
        return
      }
      case 'partition':
        this.record(`${this.now} partition ${e.side.join(',')}`)
        this.counts.partitions++
        this.net.partition(e.side)
        return
      case 'heal':
        this.record(`${this.now} heal`)
        this.net.heal()
    }
  }

  private boot (node: SimNode): void {
    const restore = node.boot(this.world, this.scenario)
    if (restore) {
      this.counts.restores++
      this.handle(node, node.engine!.restore(node.wal))
    } else {
      this.startNext(node)
    }
    this.queue.push(this.now + node.globalDuration(this.scenario.tickMs), { type: 'tick', node: node.id, inc: node.incarnation })
  }

  /** Starts the height after the node's committed head, unless its engine is already on it. */
  private startNext (node: SimNode): void {
    const s = node.engine!.state()
    const height = node.chain.length + 1
    if (s.started && (s.height > height || (s.height === height && !s.decided) || (s.height === height - 1 && !s.decided))) return
    this.step(node, { type: 'start', now: node.localTime(this.now), height, lastCommit: node.chain.at(-1)?.commit ?? null })
    this.feedSync(node)
  }

  private live (id: number, inc: number): SimNode | undefined {
    const node = this.nodes[id]!
    return node.up && node.incarnation === inc ? node : undefined
  }

  private step (node: SimNode, input: EngineInput<SimBlock>): void {
    this.handle(node, node.engine!.step(input))
    this.adversary.afterStep(node)
    const s = node.engine?.state()
    if (s !== undefined && s.round > this.maxRound) this.maxRound = s.round
  }

  private deliver (to: number, from: number, msg: NetMessage): void {
    const node = this.nodes[to]!
    if (node.byzantine || !node.up || !this.net.connected(from, to)) return
    this.record(`${this.now} deliver ${from}->${to} ${describe(msg, this.index)}`)
    const now = node.localTime(this.now)
    const peer = String(from)
    switch (msg.kind) {
      case 'proposal': return this.step(node, { type: 'proposal', now, proposal: msg.proposal, block: msg.block, from: peer })
      case 'vote': return this.step(node, { type: 'vote', now, vote: msg.vote, from: peer })
      case 'sync-request': {
        const entries = node.chain.slice(msg.fromHeight - 1, msg.fromHeight - 1 + SYNC_BATCH).map((e) => ({ block: e.block, commit: e.commit }))
        if (entries.length > 0) this.send(to, from, { kind: 'sync-response', entries })
        return
      }
      case 'sync-response':
        for (const e of msg.entries) if (e.block.height > node.chain.length) node.pendingSync.set(e.block.height, e)
        return this.feedSync(node)
    }
  }

  /** Feeds a synced block for the engine's current height, if one is waiting. */
  private feedSync (node: SimNode): void {
    for (const h of [...node.pendingSync.keys()]) if (h <= node.chain.length) node.pendingSync.delete(h)
    const s = node.engine?.state()
    if (s === undefined || !s.started || s.decided) return
    const entry = node.pendingSync.get(s.height)
    if (entry !== undefined) this.step(node, { type: 'commit', now: node.localTime(this.now), block: entry.block, commit: entry.commit })
  }

  private send (from: number, to: number, msg: NetMessage): void {
    for (const delay of this.net.send(from, to)) this.queue.push(this.now + delay, { type: 'deliver', to, from, msg })
  }

  private broadcast (from: number, msg: NetMessage): void {
    for (const other of this.nodes) if (other.id !== from) this.send(from, other.id, msg)
  }

  private handle (node: SimNode, outputs: Array<EngineOutput<SimBlock>>): void {
    for (const o of outputs) {
      switch (o.type) {
        case 'wal': node.persist(o.entry); break
        case 'broadcast-proposal':
          if (o.proposal.proposer === node.key.did) this.checker.onSigned(node.id, o.proposal.height, o.proposal.round, 'propose', `${o.proposal.block.toString()}/${o.proposal.validRound}`, this.now)
          this.broadcast(node.id, { kind: 'proposal', proposal: o.proposal, block: o.block })
          this.adversary.onHonestProposal(o.proposal)
          break
        case 'broadcast-vote':
          if (o.vote.validator === node.key.did) this.checker.onSigned(node.id, o.vote.height, o.vote.round, String(o.vote.type), blockKey(o.vote.block), this.now)
          this.broadcast(node.id, { kind: 'vote', vote: o.vote })
          break
        case 'schedule-timeout':
          this.queue.push(this.now + node.globalDuration(o.timeout.durationMs), { type: 'timeout', node: node.id, inc: node.incarnation, timeout: o.timeout })
          break
        case 'decide': {
          node.app!.commit(o.block, o.cid, o.commit)
          this.record(`${this.now} decide n${node.id} h${o.height} r${o.round} ${o.cid.toString().slice(-8)}`)
          this.checker.onFinalize(node.id, o.height, o.cid, o.block.stateRoot, this.now)
          const next = node.pendingSync.has(o.height + 1) ? 0 : node.globalDuration(this.scenario.commitDelayMs)
          this.queue.push(this.now + next, { type: 'start', node: node.id, inc: node.incarnation })
          break
        }
        case 'evidence': {
          this.evidence++
          const offender = o.evidence.kind === 'duplicate-vote' ? o.evidence.first.validator : o.evidence.first.proposer
          this.record(`${this.now} evidence n${node.id} ${o.evidence.kind} v${this.index.get(offender)}`)
          this.checker.onEvidence(offender, this.now)
          break
        }
        case 'rejected': this.rejected[o.error.code] = (this.rejected[o.error.code] ?? 0) + 1; break
        case 'behind': {
          // Ask the peer that is ahead, and one other at random in case that one does not answer.
          if (this.now - node.lastSyncAt < SYNC_INTERVAL_MS) break
          node.lastSyncAt = this.now
          const peers = new Set([o.from === undefined ? undefined : Number(o.from), this.syncRng.pick(this.nodes.filter((n) => n.id !== node.id)).id])
          this.counts.syncRequests++
          for (const peer of peers) if (peer !== undefined) this.send(node.id, peer, { kind: 'sync-request', fromHeight: node.chain.length + 1 })
          break
        }
      }
    }
  }

  /** Honest, up nodes of the component holding more than 2/3 of the power, or null. */
  private quorum (): number[] | null {
    if (this.quorumCache === undefined) this.quorumCache = this.computeQuorum()
    return this.quorumCache
  }

  private computeQuorum (): number[] | null {
    for (const comp of this.net.components()) {
      const members = comp.filter((i) => !this.nodes[i]!.byzantine && this.nodes[i]!.up)
      const power = members.reduce((a, i) => a + this.world.set.byDid.get(this.nodes[i]!.key.did)!.power, 0n)
      if (hasTwoThirds(this.world.set, power)) return members
    }
    return null
  }
}

function describe (msg: NetMessage, index: Map<string, number>): string {
  switch (msg.kind) {
    case 'proposal': return `proposal h${msg.proposal.height} r${msg.proposal.round} v${index.get(msg.proposal.proposer)} ${msg.proposal.block.toString().slice(-8)}`
    case 'vote': return `vote h${msg.vote.height} r${msg.vote.round} t${msg.vote.type} v${index.get(msg.vote.validator)} ${msg.vote.block === null ? 'nil' : msg.vote.block.toString().slice(-8)}`
    case 'sync-request': return `sync-request ${msg.fromHeight}`
    case 'sync-response': return `sync-response ${msg.entries.map((e) => e.block.height).join(',')}`
  }
}

export function runSimulation (seed: number, opts: SimOptions = {}): SimResult {
  return new Simulation(seed, opts).run()
}
