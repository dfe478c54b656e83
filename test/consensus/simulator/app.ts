/**
 * The simulator's application: a deterministic chain whose "state root" is a hash chain over the
 * committed blocks' fake transactions. It validates blocks the way the ledger will (parent, strictly
 * increasing time, proposer of the block's round, lastCommit certificate, tx rules, state root), so
 * the engine's buildBlock/verifyBlock paths are exercised for real.
 */
import { cidOf, encode, sha256, type CID } from '../../../src/codec/index.ts'
import {
  selectProposer, verifyCommit, ConsensusError,
  type BlockVerdict, type BuildBlockRequest, type Commit, type ConsensusApp, type ConsensusParams, type SignatureVerifier, type ValidatorSet
} from '../../../src/consensus/index.ts'

export interface SimBlock {
  height: number
  /** Round in which this block was first proposed (a re-proposal keeps it). */
  round: number
  parent: CID
  timestamp: number
  proposer: string
  txs: number[]
  stateRoot: Uint8Array
  lastCommit: Commit | null
}

export interface ChainEntry { block: SimBlock, cid: CID, commit: Commit }

/** What every node agrees on before the first block. */
export interface SimWorld {
  seed: number
  /** Build blocks with fake transactions (false: empty blocks). */
  txs: boolean
  network: CID
  set: ValidatorSet
  params: ConsensusParams
  genesis: { cid: CID, timestamp: number, stateRoot: Uint8Array }
  verifier: SignatureVerifier
  cids: WeakMap<SimBlock, CID>
}

export const MAX_TXS = 6
export const TX_LIMIT = 1000

export function blockCid (world: SimWorld, block: SimBlock): CID {
  let cid = world.cids.get(block)
  if (cid === undefined) {
    cid = cidOf(block)
    world.cids.set(block, cid)
  }
  return cid
}

export function nextRoot (root: Uint8Array, height: number, txs: number[]): Uint8Array {
  return sha256(encode([root, height, txs]))
}

/** A few fake transactions, a pure function of the seed and the slot. */
export function fakeTxs (seed: number, height: number, round: number, proposer: string): number[] {
  const d = sha256(encode([seed, height, round, proposer]))
  const count = d[0]! % (MAX_TXS + 1)
  return Array.from({ length: count }, (_, i) => ((d[1 + 2 * i]! << 8) | d[2 + 2 * i]!) % TX_LIMIT)
}

export class SimApp implements ConsensusApp<SimBlock> {
  private readonly world: SimWorld
  /** The node's persisted chain (shared with its storage: committing appends to it). */
  readonly chain: ChainEntry[]
  private readonly proposers = new Map<string, string>()

  constructor (world: SimWorld, chain: ChainEntry[]) {
    this.world = world
    this.chain = chain
  }

  head (): { height: number, cid: CID, timestamp: number, stateRoot: Uint8Array } {
    const last = this.chain.at(-1)
    if (last === undefined) return { height: 0, ...this.world.genesis }
    return { height: last.block.height, cid: last.cid, timestamp: last.block.timestamp, stateRoot: last.block.stateRoot }
  }

  validatorSet (): ValidatorSet {
    return this.world.set
  }

  proposer (height: number, round: number): string {
    const key = `${height}/${round}`
    let did = this.proposers.get(key)
    if (did === undefined) {
      const recent = this.chain.slice(-this.world.params.proposerCooldown).map((e) => e.block.proposer).reverse()
      did = selectProposer(this.world.set, this.head().cid, round, recent, this.world.params.proposerCooldown).did
      this.proposers.set(key, did)
    }
    return did
  }

  buildBlock (req: BuildBlockRequest): { block: SimBlock, cid: CID } {
    const head = this.head()
    const proposer = this.proposer(req.height, req.round)
    const txs = this.world.txs ? fakeTxs(this.world.seed, req.height, req.round, proposer) : []
    const block: SimBlock = {
      height: req.height,
      round: req.round,
      parent: head.cid,
      timestamp: Math.max(req.timestamp, head.timestamp + 1),
      proposer,
      txs,
      stateRoot: nextRoot(head.stateRoot, req.height, txs),
      lastCommit: req.lastCommit
    }
    return { block, cid: blockCid(this.world, block) }
  }

  verifyBlock (height: number, block: SimBlock): BlockVerdict {
    const head = this.head()
    if (height !== head.height + 1 || block.height !== height) return { ok: false, reason: 'WRONG_HEIGHT' }
    if (!block.parent.equals(head.cid)) return { ok: false, reason: 'WRONG_PARENT' }
    if (block.timestamp <= head.timestamp) return { ok: false, reason: 'TIME_NOT_INCREASING' }
    if (block.proposer !== this.proposer(height, block.round)) return { ok: false, reason: 'WRONG_PROPOSER' }
    if (height === 1) {
      if (block.lastCommit !== null) return { ok: false, reason: 'UNEXPECTED_LAST_COMMIT' }
    } else {
      if (block.lastCommit === null) return { ok: false, reason: 'MISSING_LAST_COMMIT' }
      try {
        verifyCommit(this.world.network, 0, block.lastCommit, this.world.set, { height: height - 1, block: head.cid, verifier: this.world.verifier })
      } catch (err) {
        if (err instanceof ConsensusError) return { ok: false, reason: err.code }
        throw err
      }
    }
    if (block.txs.length > MAX_TXS || block.txs.some((t) => !Number.isInteger(t) || t < 0 || t >= TX_LIMIT)) return { ok: false, reason: 'BAD_TX' }
    const root = nextRoot(head.stateRoot, height, block.txs)
    if (!root.every((b, i) => b === block.stateRoot[i]) || root.length !== block.stateRoot.length) return { ok: false, reason: 'STATE_ROOT_MISMATCH' }
    return { ok: true }
  }

  blockCid (block: SimBlock): CID {
    return blockCid(this.world, block)
  }

  blockTime (block: SimBlock): number {
    return block.timestamp
  }

  /** Applies a decided block. The engine only decides blocks verifyBlock accepted on this head. */
  commit (block: SimBlock, cid: CID, commit: Commit): void {
    this.chain.push({ block, cid, commit })
    this.proposers.clear()
  }
}
