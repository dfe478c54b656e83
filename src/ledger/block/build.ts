/**
 * Block building for the proposer: candidate transactions are taken in the order given (the mempool's
 * order), skipping any that fails admission at this block's time (stale nonce, not enough mana,
 * expired…); a transaction whose nonce is ahead waits until its sender's earlier nonce is included.
 * Transactions that are admitted but fail their own rules are included, charged and receipted.
 * The block stops at maxBlockTxs and never exceeds maxBlockBytes; an empty block is valid.
 */
import type { CID } from '../../codec/index.ts'
import type { Commit } from '../../consensus/messages.ts'
import { BlockError, TxError } from '../errors.ts'
import { getChain, getParams } from '../state/meta.ts'
import type { LedgerState } from '../state/store.ts'
import { encodeTx, type Tx } from '../tx/envelope.ts'
import { BlockExecutor, type ExecutedBlock } from './executor.ts'
import { blockId, sealBlock, blockSizeOf, txEntrySize, encodeHeader, type Block, type BlockHeader } from './types.ts'

export interface BuildContext {
  /** Header of the state's last block. */
  parent: BlockHeader
  /** Block time; must be after the parent's. The engine passes max(now, parent + 1). */
  timestamp: number
  proposer: string
  round: number
  /** Commit of the parent block; null at height 1. */
  lastCommit: Commit | null
}

export interface BuiltBlock {
  block: Block
  id: CID
  executed: ExecutedBlock
}

const ZERO_ROOT = new Uint8Array(32)

export function buildBlock (state: LedgerState, ctx: BuildContext, candidates: Iterable<Tx>): BuiltBlock {
  const chain = getChain(state)
  const { consensus } = getParams(state)
  const { parent } = ctx
  if (parent.height !== chain.height) throw new BlockError('STATE_MISMATCH', 'parent', `state is at height ${chain.height}, parent is ${parent.height}`)
  if (ctx.timestamp <= parent.timestamp) throw new BlockError('TIMESTAMP_NOT_INCREASING', 'timestamp', `${ctx.timestamp} is not after the parent's ${parent.timestamp}`)
  const height = parent.height + 1
  const skeleton: BlockHeader = {
    network: chain.network,
    shard: chain.shard,
    height,
    parent: blockId(parent),
    timestamp: ctx.timestamp,
    proposer: ctx.proposer,
    round: ctx.round,
    txRoot: ZERO_ROOT,
    stateRoot: ZERO_ROOT,
    receiptsRoot: ZERO_ROOT,
    lastCommit: ctx.lastCommit
  }
  // Roots are fixed-size, so the skeleton's encoding is as long as the final header's.
  const headerBytes = encodeHeader(skeleton).byteLength
  const executor = new BlockExecutor(state, { height, timestamp: ctx.timestamp, proposer: ctx.proposer, lastCommit: ctx.lastCommit })
  let txBytes = 0
  const waiting = new Map<string, Tx[]>()

  const tryInclude = (tx: Tx): boolean => {
    const size = txEntrySize(encodeTx(tx).byteLength)
    if (blockSizeOf(headerBytes, executor.txs.length + 1, txBytes + size) > consensus.maxBlockBytes) return false
    try {
      executor.include(tx)
    } catch (err) {
      if (!(err instanceof TxError)) throw err
      if (err.code === 'NONCE_GAP') {
        const queue = waiting.get(tx.from) ?? []
        queue.push(tx)
        waiting.set(tx.from, queue)
      }
      return false
    }
    txBytes += size
    return true
  }

  const full = (): boolean => executor.txs.length >= consensus.maxBlockTxs
  for (const tx of candidates) {
    if (full()) break
    if (!tryInclude(tx)) continue
    // Drain transactions of this sender that were waiting for this nonce.
    let sender = tx.from
    let progressed = true
    while (progressed && !full()) {
      progressed = false
      const queue = waiting.get(sender)
      if (queue === undefined) break
      const idx = queue.findIndex((q) => q.nonce === executor.txs[executor.txs.length - 1]!.nonce + 1 && q.from === sender)
      if (idx < 0) break
      const [next] = queue.splice(idx, 1)
      if (queue.length === 0) waiting.delete(sender)
      progressed = tryInclude(next!)
      sender = next!.from
    }
  }

  const executed = executor.finish()
  const header: BlockHeader = { ...skeleton, txRoot: executed.txRoot, stateRoot: executed.stateRoot, receiptsRoot: executed.receiptsRoot }
  // sealed: proposal, WAL and store all need its bytes, and encode it once between them
  const block: Block = sealBlock({ header, txs: [...executor.txs] })
  return { block, id: blockId(header), executed }
}
