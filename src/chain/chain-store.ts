/**
 * ChainStore: one shard's chain persisted in the node's store, with its LedgerChain (state + head) in
 * memory. Finality: consensus is BFT, so a block is final as soon as it has a commit certificate, and
 * only such blocks are ever stored; the finalized head is therefore the head (finalizedHeight =
 * height), and the commit that finalized the head is stored with it.
 *
 * Durability: `commit` computes everything first (execution, commit check, every record), writes
 * block, commit, receipts, tx index, state writes and the new head in one synced batch, and only then
 * advances the in-memory chain. A crash at any point leaves the disk at the old head or the new one,
 * never between; a failed write leaves memory where the disk is. `openChain` reloads the state and
 * refuses to start when it does not hash to the head's stateRoot.
 */
import type { CID } from '../codec/index.ts'
import type { Commit } from '../consensus/messages.ts'
import { verifyCommit } from '../consensus/commit.ts'
import { ConsensusError } from '../consensus/errors.ts'
import type { SignatureVerifier } from '../consensus/verifier.ts'
import {
  blockId, encodeBlock, type Block, type BlockHeader, type ExecutedBlock, type LedgerChain, type Receipt
} from '../ledger/index.ts'
import { readU64Key, u64Key, type Store } from '../storage/index.ts'
import { ChainError } from './errors.ts'
import {
  HEAD_KEY, decodeStoredBlock, decodeStoredCommit, decodeStoredHeight, decodeStoredLocation,
  decodeStoredReceipts, encodeCommit, encodeLocation, encodeReceipts, equalBytes, type ChainNamespaces, type TxLocation
} from './records.ts'

/** A block as stored: with its id, the commit that finalized it (null for genesis) and its receipts. */
export interface StoredBlock {
  height: number
  cid: CID
  block: Block
  commit: Commit | null
  receipts: Receipt[]
}

export interface ChainStoreParts {
  store: Store
  ns: ChainNamespaces
  shard: number
  verifier: SignatureVerifier | undefined
  ledger: LedgerChain
  headCommit: Commit | null
}

export class ChainStore {
  readonly store: Store
  readonly shard: number
  readonly #ns: ChainNamespaces
  readonly #verifier: SignatureVerifier | undefined
  readonly #ledger: LedgerChain
  #headCommit: Commit | null
  #tail: Promise<unknown> = Promise.resolve()
  #unavailable: unknown

  /** Made by openChain, which loads and checks the parts. */
  constructor (parts: ChainStoreParts) {
    this.store = parts.store
    this.shard = parts.shard
    this.#ns = parts.ns
    this.#verifier = parts.verifier
    this.#ledger = parts.ledger
    this.#headCommit = parts.headCommit
  }

  /**
   * State and head, for building, validating and querying. It moves only through `commit` here:
   * calling `commit` on it directly would put memory ahead of the disk.
   */
  get ledger (): LedgerChain { return this.#ledger }
  get head (): BlockHeader { return this.#ledger.head }
  get headCid (): CID { return this.#ledger.headId }
  get height (): number { return this.#ledger.height }
  /** The commit that finalized the head (null at genesis): the next block's lastCommit. */
  get headCommit (): Commit | null { return this.#headCommit }
  /** Every stored block is final (BFT): the finalized head is the head. */
  get finalizedHeight (): number { return this.height }
  get finalizedCid (): CID { return this.headCid }

  /**
   * Persists `block` (the child of the head) with the `commit` that finalized it, then makes it the
   * head. `executed` is the result of building or validating this block on this head; without it the
   * block is fully validated first. Commits run one at a time, in call order.
   */
  async commit (block: Block, commit: Commit, executed?: ExecutedBlock): Promise<void> {
    const run = this.#tail.then(async () => { await this.#commit(block, commit, executed) })
    this.#tail = run.catch(() => {})
    await run
  }

  async #commit (block: Block, commit: Commit, given: ExecutedBlock | undefined): Promise<void> {
    if (this.#unavailable !== undefined) {
      throw new ChainError('UNAVAILABLE', 'an earlier commit failed with the disk in an unknown state; reopen the chain', { cause: this.#unavailable })
    }
    const ledger = this.#ledger
    const { header } = block
    const height = ledger.height + 1
    if (header.height !== height || header.parent === null || !header.parent.equals(ledger.headId)) {
      throw new ChainError('NOT_NEXT', `block ${header.height} is not the child of head ${ledger.height} (${ledger.headId.toString()})`)
    }
    const executed = given ?? ledger.validate(block)
    if (executed.height !== height || !equalBytes(executed.stateRoot, header.stateRoot)) {
      throw new ChainError('STALE_EXECUTION', `the executed result is not block ${height}'s`)
    }
    if (executed.changes.base !== ledger.state || executed.changes.baseVersion !== ledger.state.version) {
      throw new ChainError('STALE_EXECUTION', `block ${height} was executed on another version of the state`)
    }
    const cid = blockId(header)
    this.#checkCommit(commit, height, cid, executed)

    const { blocks, blockIds, commits, receipts, txIndex, state, meta } = this.#ns
    const key = u64Key(height)
    const batch = this.store.batch()
    try {
      batch.put(blocks, key, encodeBlock(block))
      batch.put(blockIds, cid.bytes, key)
      batch.put(commits, key, encodeCommit(commit))
      batch.put(receipts, key, encodeReceipts(executed.receipts))
      executed.receipts.forEach((receipt, index) => { batch.put(txIndex, receipt.tx.bytes, encodeLocation({ height, index })) })
      batch.apply(state, executed.writes)
      batch.put(meta, HEAD_KEY, key)
    } catch (err) {
      batch.discard()
      throw err
    }
    try {
      await batch.write({ sync: true })
    } catch (err) {
      const onDisk = await this.#diskHeight()
      if (onDisk === height - 1) throw new ChainError('WRITE_FAILED', `block ${height} was not written: ${(err as Error).message}`, { cause: err })
      if (onDisk !== height) {
        this.#unavailable = err
        throw new ChainError('UNAVAILABLE', `block ${height}: the write failed and the disk's head is unknown`, { cause: err })
      }
      // The write reported a failure after it landed: the disk holds the block, so memory follows.
    }
    ledger.commit(block, executed)
    this.#headCommit = commit
  }

  #checkCommit (commit: Commit, height: number, cid: CID, executed: ExecutedBlock): void {
    const network = this.#ledger.head.network
    try {
      verifyCommit(network, this.shard, commit, executed.validators, {
        height, block: cid, ...(this.#verifier !== undefined ? { verifier: this.#verifier } : {})
      })
    } catch (err) {
      if (err instanceof ConsensusError) throw new ChainError('INVALID_COMMIT', `commit of block ${height}: ${err.message} (${err.code})`, { cause: err })
      throw err
    }
  }

  /** The head height the disk holds, or undefined when it cannot be read. */
  async #diskHeight (): Promise<number | undefined> {
    try {
      const bytes = await this.#ns.meta.get(HEAD_KEY)
      return bytes === undefined ? undefined : readU64Key(bytes)
    } catch {
      return undefined
    }
  }

  /** The stored block at `height`, or undefined beyond the head. */
  async blockAt (height: number): Promise<StoredBlock | undefined> {
    if (!Number.isSafeInteger(height) || height < 0 || height > this.height) return undefined
    const key = u64Key(height)
    const { blocks, commits, receipts } = this.#ns
    const [blockBytes, commitBytes, receiptBytes] = await Promise.all([blocks.get(key), commits.get(key), receipts.get(key)])
    if (blockBytes === undefined) throw new ChainError('CORRUPT', `block ${height} is missing`)
    if (receiptBytes === undefined) throw new ChainError('CORRUPT', `the receipts of block ${height} are missing`)
    if (commitBytes === undefined && height > 0) throw new ChainError('CORRUPT', `the commit of block ${height} is missing`)
    const block = decodeStoredBlock(blockBytes, height)
    return {
      height,
      cid: blockId(block.header),
      block,
      commit: commitBytes === undefined ? null : decodeStoredCommit(commitBytes, height),
      receipts: decodeStoredReceipts(receiptBytes, height)
    }
  }

  async blockByCid (cid: CID): Promise<StoredBlock | undefined> {
    const bytes = await this.#ns.blockIds.get(cid.bytes)
    if (bytes === undefined) return undefined
    return this.blockAt(decodeStoredHeight(bytes, `height of block ${cid.toString()}`))
  }

  /** Up to `count` consecutive blocks from `from`, stopping at the head (for sync). */
  async blocksRange (from: number, count: number): Promise<StoredBlock[]> {
    if (!Number.isSafeInteger(from) || from < 0 || !Number.isSafeInteger(count) || count <= 0) return []
    const to = Math.min(this.height, from + count - 1)
    const out: StoredBlock[] = []
    for (let h = from; h <= to; h++) {
      const stored = await this.blockAt(h)
      if (stored === undefined) break
      out.push(stored)
    }
    return out
  }

  /** The commit that finalized block `height` (undefined for genesis and beyond the head). */
  async commitAt (height: number): Promise<Commit | undefined> {
    if (!Number.isSafeInteger(height) || height < 1 || height > this.height) return undefined
    const bytes = await this.#ns.commits.get(u64Key(height))
    return bytes === undefined ? undefined : decodeStoredCommit(bytes, height)
  }

  /** Where a final transaction is, or undefined for one that is not in a stored block. */
  async txLocation (id: CID): Promise<TxLocation | undefined> {
    const bytes = await this.#ns.txIndex.get(id.bytes)
    if (bytes === undefined) return undefined
    const location = decodeStoredLocation(bytes, id)
    // An entry above the memory head belongs to a block whose write is still being acknowledged.
    return location.height <= this.height ? location : undefined
  }

  /** The receipt of a final transaction, with its location. */
  async receipt (id: CID): Promise<(TxLocation & { receipt: Receipt }) | undefined> {
    const location = await this.txLocation(id)
    if (location === undefined) return undefined
    const bytes = await this.#ns.receipts.get(u64Key(location.height))
    if (bytes === undefined) throw new ChainError('CORRUPT', `the receipts of block ${location.height} are missing`)
    const receipt = decodeStoredReceipts(bytes, location.height)[location.index]
    if (receipt === undefined || !receipt.tx.equals(id)) throw new ChainError('CORRUPT', `the index entry of ${id.toString()} points at no receipt of it`)
    return { ...location, receipt }
  }
}

