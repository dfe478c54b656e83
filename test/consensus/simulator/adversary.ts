/**
 * Byzantine validators, colluding under one omniscient adversary. It splits the honest nodes into two
 * groups of balanced power and tries to make them finalize different blocks:
 * - when a byzantine validator is the proposer of (h, r), it signs one block for each group (now and
 *   then an invalid one), and every byzantine validator prevotes and precommits each group's block to
 *   that group;
 * - when an honest proposer proposes, byzantine validators vote for it to one group and nil to the other;
 * - now and then both halves of an equivocation reach one honest node, which must report evidence.
 * With less than 1/3 of the power this must never break safety; with more it should (negative control).
 */
import { sha256, encode, type CID } from '../../../src/codec/index.ts'
import { signProposal, signVote, VoteType, type Proposal, type Vote } from '../../../src/consensus/index.ts'
import type { KeyPair } from '../../../src/identity/index.ts'
import { blockCid, type SimWorld } from './app.ts'
import type { NetMessage } from './network.ts'
import type { Prng } from './prng.ts'
import type { SimNode } from './node.ts'

/** What the adversary may do in the simulation. */
export interface AdversaryHost {
  world: SimWorld
  nodes: SimNode[]
  send: (from: number, to: number, msg: NetMessage) => void
  localNow: (node: SimNode) => number
}

export class Adversary {
  private readonly host: AdversaryHost
  private readonly rng: Prng
  private readonly byzantine: SimNode[]
  private readonly byDid: Map<string, SimNode>
  readonly groups: [number[], number[]]
  private readonly attacked = new Set<string>()
  private readonly split = new Set<string>()
  attacks = 0

  constructor (host: AdversaryHost, rng: Prng) {
    this.host = host
    this.rng = rng
    this.byzantine = host.nodes.filter((n) => n.byzantine)
    this.byDid = new Map(host.nodes.map((n) => [n.key.did, n]))
    // Balanced split: heaviest first, each to the lighter group.
    const honest = rng.shuffle(host.nodes.filter((n) => !n.byzantine))
      .sort((a, b) => Number(host.world.set.byDid.get(b.key.did)!.power - host.world.set.byDid.get(a.key.did)!.power))
    const groups: [number[], number[]] = [[], []]
    const weight = [0n, 0n]
    for (const n of honest) {
      const g = weight[0]! <= weight[1]! ? 0 : 1
      groups[g].push(n.id)
      weight[g]! += host.world.set.byDid.get(n.key.did)!.power
    }
    this.groups = groups
  }

  get active (): boolean {
    return this.byzantine.length > 0
  }

  /** After an honest node stepped: if it represents its group and entered a new round, attack it. */
  afterStep (node: SimNode): void {
    if (!this.active || node.engine === undefined) return
    const g = this.groups[0].includes(node.id) ? 0 : 1
    const rep = this.groups[g].map((id) => this.host.nodes[id]!).find((n) => n.up && n.engine !== undefined)
    if (rep !== node) return
    const s = node.engine.state()
    if (!s.started || s.decided) return
    const slot = `${g}/${s.height}/${s.round}`
    if (this.attacked.has(slot)) return
    this.attacked.add(slot)
    const proposer = this.byDid.get(node.app!.proposer(s.height, s.round))
    if (proposer === undefined || !proposer.byzantine) return
    this.attacks++
    const built = node.app!.buildBlock({ height: s.height, round: s.round, timestamp: this.host.localNow(node) + g, lastCommit: node.chain.at(-1)?.commit ?? null })
    let block = built.block
    if (this.rng.chance(0.1)) block = { ...block, stateRoot: sha256(encode(['forged', this.rng.u32()])) }
    const cid = blockCid(this.host.world, block)
    const proposal = signProposal(proposer.key, this.body(s.height, s.round, cid, proposer.key))
    const votes = this.byzantine.flatMap((b) => [this.vote(b.key, s.height, s.round, VoteType.Prevote, cid), this.vote(b.key, s.height, s.round, VoteType.Precommit, cid)])
    const targets = [...this.groups[g]]
    if (this.rng.chance(0.2) && this.groups[1 - g]!.length > 0) targets.push(this.rng.pick(this.groups[1 - g]!))
    for (const to of targets) {
      this.host.send(proposer.id, to, { kind: 'proposal', proposal, block })
      for (const v of votes) this.host.send(this.byDid.get(v.validator)!.id, to, { kind: 'vote', vote: v })
    }
  }

  /** An honest proposal went out: vote for it to group 0 and nil to group 1. */
  onHonestProposal (proposal: Proposal): void {
    if (!this.active) return
    const slot = `${proposal.height}/${proposal.round}`
    if (this.split.has(slot)) return
    this.split.add(slot)
    const both: Vote[][] = [[], []]
    for (const b of this.byzantine) {
      for (const type of [VoteType.Prevote, VoteType.Precommit]) {
        both[0]!.push(this.vote(b.key, proposal.height, proposal.round, type, proposal.block))
        both[1]!.push(this.vote(b.key, proposal.height, proposal.round, type, null))
      }
    }
    for (const g of [0, 1] as const) {
      for (const to of this.groups[g]) for (const v of both[g]!) this.host.send(this.byDid.get(v.validator)!.id, to, { kind: 'vote', vote: v })
    }
    const witness = this.groups[0].length > 0 && this.rng.chance(0.2) ? this.rng.pick(this.groups[1].length > 0 ? this.groups[1] : this.groups[0]) : undefined
    if (witness !== undefined) {
      for (const v of both[0]!) this.host.send(this.byDid.get(v.validator)!.id, witness, { kind: 'vote', vote: v })
    }
  }

  private body (height: number, round: number, block: CID, key: KeyPair): Omit<Proposal, 'signature'> {
    return { network: this.host.world.network, shard: 0, height, round, validRound: null, block, proposer: key.did }
  }

  private vote (key: KeyPair, height: number, round: number, type: VoteType, block: CID | null): Vote {
    return signVote(key, { network: this.host.world.network, shard: 0, height, round, type, block, validator: key.did })
  }
}

