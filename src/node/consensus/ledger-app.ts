/**
 * The ledger as the consensus engine's application (ABCI-style): the validator set and proposer come
 * from the committed state, proposals are built from the mempool, and every proposed block is fully
 * re-executed before this node prevotes for it. Executions are kept by block CID so the block that is
 * finally decided is committed without running it a third time.
 */
import type { CID } from '../../codec/index.ts'
import type { BlockVerdict, BuildBlockRequest, ConsensusApp, SignatureVerifier, ValidatorSet } from '../../consensus/index.ts'
import { BlockError, blockId, type Block, type ExecutedBlock, type LedgerChain, type Tx } from '../../ledger/index.ts'

export interface LedgerAppComponents {
  /** The committed chain; its head moves only when a decided block is committed. */
  chain: () => LedgerChain
  /** Mempool transactions for the next block, best first. */
  candidates: () => Iterable<Tx>
  /** This node's DID: the proposer named in blocks it builds. */
  did: string
  verifier?: SignatureVerifier
}

/** Executions of proposals kept per height: the first proposal and one conflicting one per round. */
const MAX_CACHED_EXECUTIONS = 64

export class LedgerApp implements ConsensusApp<Block> {
  readonly #c: LedgerAppComponents
  readonly #executed = new Map<string, { height: number, executed: ExecutedBlock }>()

  constructor (components: LedgerAppComponents) {
    this.#c = components
  }

  #expectHeight (height: number): LedgerChain {
    const chain = this.#c.chain()
    if (height !== chain.height + 1) {
      throw new BlockError('STATE_MISMATCH', 'height', `consensus asked about height ${height}, the committed head is ${chain.height}`)
    }
    return chain
  }

  validatorSet (height: number): ValidatorSet {
    return this.#expectHeight(height).validatorSet()
  }

  proposer (height: number, round: number): string {
    return this.#expectHeight(height).proposer(round)
  }

  buildBlock (request: BuildBlockRequest): { block: Block, cid: CID } {
    const chain = this.#expectHeight(request.height)
    const built = chain.build({ timestamp: request.timestamp, round: request.round, lastCommit: request.lastCommit, proposer: this.#c.did }, this.#c.candidates())
    this.#remember(built.id, request.height, built.executed)
    return { block: built.block, cid: built.id }
  }

  verifyBlock (height: number, block: Block, cid: CID): BlockVerdict {
    try {
      const chain = this.#expectHeight(height)
      if (this.#executed.has(cid.toString())) return { ok: true }
      const executed = chain.validate(block, this.#c.verifier !== undefined ? { verifier: this.#c.verifier } : {})
      this.#remember(cid, height, executed)
      return { ok: true }
    } catch (err) {
      if (err instanceof BlockError) return { ok: false, reason: `${err.code}${err.field !== '' ? ` at ${err.field}` : ''}: ${err.message}` }
      throw err
    }
  }

  blockCid (block: Block): CID {
    return blockId(block.header)
  }

  blockTime (block: Block): number {
    return block.header.timestamp
  }

  /** The execution of a block this node built or verified at the current height, if it has one. */
  takeExecution (cid: CID): ExecutedBlock | undefined {
    const key = cid.toString()
    const hit = this.#executed.get(key)
    this.#executed.clear()
    return hit !== undefined && hit.height === this.#c.chain().height + 1 ? hit.executed : undefined
  }

  /** Forgets executions made on a head that has since moved (after a sync). */
  clear (): void {
    this.#executed.clear()
  }

  #remember (cid: CID, height: number, executed: ExecutedBlock): void {
    if (this.#executed.size >= MAX_CACHED_EXECUTIONS) this.#executed.clear()
    this.#executed.set(cid.toString(), { height, executed })
  }
}
