/**
 * A single engine under test, driven by hand: deterministic keys, a validator set with chosen powers,
 * a tiny app whose proposer schedule the test fixes, and helpers that sign messages "from" the other
 * validators.
 */
import { cidOf, CID } from '../../src/codec/index.ts'
import { keyPairFromSeed, type KeyPair } from '../../src/identity/index.ts'
import {
  consensusEngine, createPrivValidator, memorySignerStore, signVote, signProposal, VoteType, DEFAULT_CONSENSUS_PARAMS,
  type ConsensusApp, type ConsensusEngine, type EngineInput, type EngineOutput, type SignerStore, type ValidatorSet,
  type Validator, type Vote, type Proposal, type Commit, type WalEntry, type ConsensusParams
} from '../../src/consensus/index.ts'

export const NETWORK = cidOf({ network: 'icn-test' })
export const OTHER_NETWORK = cidOf({ network: 'elsewhere' })

export interface TestBlock {
  height: number
  round: number
  proposer: string
  timestamp: number
  payload: string
  lastCommit: Commit | null
}

export function keys (n: number): KeyPair[] {
  return Array.from({ length: n }, (_, i) => keyPairFromSeed(new Uint8Array(32).fill(i + 1)))
}

/** A set with the given powers (index i ↔ keys[i]); validators sorted by DID like computeValidatorSet. */
export function makeSet (ks: KeyPair[], powers: number[]): ValidatorSet {
  const validators: Validator[] = ks.map((k, i) => ({ did: k.did, power: BigInt(powers[i]!), weight: BigInt(powers[i]!) }))
    .sort((a, b) => (a.did < b.did ? -1 : 1))
  return { validators, totalPower: validators.reduce((a, v) => a + v.power, 0n), byDid: new Map(validators.map((v) => [v.did, v])) }
}

export interface TestAppOptions {
  set: ValidatorSet
  /** Proposer of (height, round). */
  proposer: (height: number, round: number) => string
  /** Blocks whose payload is listed here are invalid. */
  invalid?: Set<string>
  built?: TestBlock[]
}

export function testApp (opts: TestAppOptions): ConsensusApp<TestBlock> & { built: TestBlock[], verified: number } {
  const app = {
    built: opts.built ?? [],
    verified: 0,
    validatorSet: () => opts.set,
    proposer: opts.proposer,
    buildBlock: (req: { height: number, round: number, timestamp: number, lastCommit: Commit | null }) => {
      const block: TestBlock = { height: req.height, round: req.round, proposer: opts.proposer(req.height, req.round), timestamp: req.timestamp, payload: `built-${req.height}-${req.round}-${req.timestamp}`, lastCommit: req.lastCommit }
      app.built.push(block)
      return { block, cid: cidOf(block) }
    },
    verifyBlock: (_h: number, block: TestBlock) => {
      app.verified++
      return opts.invalid?.has(block.payload) === true ? { ok: false as const, reason: 'listed invalid' } : { ok: true as const }
    },
    blockCid: (block: TestBlock) => cidOf(block),
    blockTime: (block: TestBlock) => block.timestamp
  }
  return app
}

export function block (height: number, round: number, proposer: KeyPair, payload: string, timestamp = 1000): TestBlock {
  return { height, round, proposer: proposer.did, timestamp, payload, lastCommit: null }
}

export function vote (k: KeyPair, height: number, round: number, type: VoteType, b: TestBlock | CID | null, network = NETWORK, shard = 0): Vote {
  const cid = b === null ? null : isCid(b) ? b : cidOf(b)
  return signVote(k, { network, shard, height, round, type, block: cid, validator: k.did })
}

export function proposal (k: KeyPair, b: TestBlock, round: number, validRound: number | null = null, network = NETWORK): Proposal {
  return signProposal(k, { network, shard: 0, height: b.height, round, validRound, block: cidOf(b), proposer: k.did })
}

function isCid (x: TestBlock | CID): x is CID {
  return CID.asCID(x) !== null
}

/** An input minus its `now` (the harness supplies it), distributed over the union. */
type WithoutNow<T> = T extends unknown ? Omit<T, 'now'> : never

export const PARAMS: ConsensusParams = { ...DEFAULT_CONSENSUS_PARAMS }

/** One engine (validator `me`) with every output it produced recorded. */
export class Harness {
  readonly engine: ConsensusEngine<TestBlock>
  readonly app: ReturnType<typeof testApp>
  readonly store: SignerStore
  readonly log: Array<EngineOutput<TestBlock>> = []
  readonly wal: Array<WalEntry<TestBlock>> = []
  now = 1000

  constructor (opts: { me?: KeyPair, app: ReturnType<typeof testApp>, store?: SignerStore, params?: ConsensusParams, rebroadcastMs?: number }) {
    this.app = opts.app
    this.store = opts.store ?? memorySignerStore()
    const signer = opts.me !== undefined ? createPrivValidator(opts.me, this.store) : undefined
    this.engine = consensusEngine<TestBlock>({ network: NETWORK, params: opts.params ?? PARAMS, rebroadcastMs: opts.rebroadcastMs ?? 2000 })({ app: this.app, ...(signer !== undefined ? { signer } : {}) })
  }

  step (input: WithoutNow<EngineInput<TestBlock>> & { now?: number }): Array<EngineOutput<TestBlock>> {
    const out = this.engine.step({ now: this.now, ...input } as EngineInput<TestBlock>)
    this.record(out)
    return out
  }

  record (out: Array<EngineOutput<TestBlock>>): void {
    for (const o of out) {
      this.log.push(o)
      if (o.type === 'wal') {
        if (o.entry.type === 'start') this.wal.length = 0
        this.wal.push(o.entry)
      }
    }
  }

  start (height = 1, lastCommit: Commit | null = null): Array<EngineOutput<TestBlock>> {
    return this.step({ type: 'start', height, lastCommit })
  }

  propose (from: KeyPair, b: TestBlock, round: number, validRound: number | null = null): Array<EngineOutput<TestBlock>> {
    return this.step({ type: 'proposal', proposal: proposal(from, b, round, validRound), block: b })
  }

  vote (from: KeyPair, round: number, type: VoteType, b: TestBlock | null, height = 1): Array<EngineOutput<TestBlock>> {
    return this.step({ type: 'vote', vote: vote(from, height, round, type, b) })
  }

  timeout (round: number, step: 'propose' | 'prevote' | 'precommit', height = 1): Array<EngineOutput<TestBlock>> {
    return this.step({ type: 'timeout', height, round, step })
  }

  /** Votes this engine broadcast (in order). */
  votes (type?: VoteType): Vote[] {
    return this.log.flatMap((o) => (o.type === 'broadcast-vote' && (type === undefined || o.vote.type === type) ? [o.vote] : []))
  }

  lastVote (type: VoteType): Vote | undefined {
    return this.votes(type).at(-1)
  }

  of<T extends EngineOutput<TestBlock>['type']> (type: T, out: Array<EngineOutput<TestBlock>> = this.log): Array<Extract<EngineOutput<TestBlock>, { type: T }>> {
    return out.filter((o): o is Extract<EngineOutput<TestBlock>, { type: T }> => o.type === type)
  }

  rejected (out: Array<EngineOutput<TestBlock>>): string[] {
    return this.of('rejected', out).map((r) => r.error.code)
  }
}

export { VoteType }
