/**
 * A ledger chain for one shard: the committed state plus the header of its last block — the two
 * things every block operation needs together. It holds no I/O: `commit` returns the writes, and the
 * storage adapter persists them with the block in one batch. The consensus engine's app adapter
 * (ConsensusApp, for the height after the head) maps onto it:
 *   validatorSet(h)        → chain.validatorSet()
 *   proposer(h, round)     → chain.proposer(round)
 *   buildBlock(req)        → chain.build({timestamp, round, lastCommit}, mempool candidates)
 *   verifyBlock(h, block)  → chain.validate(block) (keep the ExecutedBlock for the decision)
 *   blockCid / blockTime   → blockId(block.header) / block.header.timestamp
 *   decide                 → chain.commit(block, executed) → writes to persist with block and commit
 * Sync replays finalized blocks through validate + commit the same way.
 */
import type { CID } from '../codec/index.ts'
import type { Commit } from '../consensus/messages.ts'
import type { ValidatorSet } from '../consensus/validator-set.ts'
import { buildBlock, type BuiltBlock } from './block/build.ts'
import type { ExecutedBlock } from './block/executor.ts'
import { genesisBlock } from './block/genesis-block.ts'
import { blockId, type Block, type BlockHeader } from './block/types.ts'
import { expectedProposer, validateBlock, validatorSetAt, type ValidateOptions } from './block/validate.ts'
import { BlockError } from './errors.ts'
import type { Genesis } from './genesis.ts'
import { getChain } from './state/meta.ts'
import type { KVWrite, LedgerState } from './state/store.ts'
import type { Tx } from './tx/envelope.ts'

export class LedgerChain {
  readonly state: LedgerState
  #head: BlockHeader
  #headId: CID

  constructor (state: LedgerState, head: BlockHeader) {
    const chain = getChain(state)
    if (head.height !== chain.height || Buffer.compare(head.stateRoot, state.stateRoot()) !== 0) {
      throw new BlockError('STATE_MISMATCH', 'head', `the state (height ${chain.height}) is not the state of the head header (height ${head.height})`)
    }
    this.state = state
    this.#head = head
    this.#headId = blockId(head)
  }

  static fromGenesis (genesis: Genesis, shard = 0): LedgerChain {
    const { state, block } = genesisBlock(genesis, shard)
    return new LedgerChain(state, block.header)
  }

  get head (): BlockHeader { return this.#head }
  get headId (): CID { return this.#headId }
  get height (): number { return this.#head.height }

  /** The validators that vote on the next block. */
  validatorSet (): ValidatorSet {
    return validatorSetAt(this.state)
  }

  /** DID of the proposer of the next block in `round`. */
  proposer (round: number): string {
    return expectedProposer(this.state, this.#headId, round).did
  }

  /** A block on top of the head; `timestamp` is raised to parent + 1 if the clock is behind. */
  build (opts: { timestamp: number, round: number, lastCommit: Commit | null, proposer?: string }, candidates: Iterable<Tx>): BuiltBlock {
    return buildBlock(this.state, {
      parent: this.#head,
      timestamp: Math.max(opts.timestamp, this.#head.timestamp + 1),
      proposer: opts.proposer ?? this.proposer(opts.round),
      round: opts.round,
      lastCommit: opts.lastCommit
    }, candidates)
  }

  /** Full validation of a block on top of the head; the state is not changed. */
  validate (block: Block, opts: ValidateOptions = {}): ExecutedBlock {
    return validateBlock(this.state, this.#head, block, opts)
  }

  /**
   * Makes `block` the head, applying `executed` (from validate/build of this very block on this head)
   * or re-executing it. Returns the writes to persist with the block.
   */
  commit (block: Block, executed?: ExecutedBlock): KVWrite[] {
    const result = executed ?? validateBlock(this.state, this.#head, block)
    if (result.height !== block.header.height || Buffer.compare(result.stateRoot, block.header.stateRoot) !== 0) {
      throw new BlockError('STATE_ROOT_MISMATCH', 'header.stateRoot', 'executed result is not this block\'s')
    }
    this.state.apply(result.changes)
    this.#head = block.header
    this.#headId = blockId(block.header)
    return result.writes
  }
}
