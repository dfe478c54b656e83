/**
 * The checks a downloaded block passes before it is applied, in the documented order
 * (protocols/sync.md, "Verification"). Re-execution is the last rule; it runs in `apply`.
 */
import type { CID } from '../codec/index.ts'
import { verifyCommit, ConsensusError, type SignatureVerifier } from '../consensus/index.ts'
import { BlockError, TxError, type LedgerChain } from '../ledger/index.ts'
import type { FetchedBlock } from '../network/reqresp/index.ts'
import { SyncError } from './errors.ts'

/** Throws a SyncError naming the first rule `item` breaks as the next block of `chain`. */
export function checkNext (chain: LedgerChain, item: FetchedBlock, network: CID, shard: number, verifier?: SignatureVerifier): void {
  const { header } = item.block
  // [low WRONG_HEIGHT] the block is the child height of our head
  if (header.height !== chain.height + 1) {
    throw new SyncError('WRONG_HEIGHT', `block at height ${header.height}, expected ${chain.height + 1}`)
  }
  // [low WRONG_PARENT] its parent is our head
  if (header.parent === null || !header.parent.equals(chain.headId)) {
    throw new SyncError('WRONG_PARENT', `block ${header.height} has parent ${String(header.parent)}, our head is ${chain.headId.toString()}`)
  }
  // [low COMMIT_MISMATCH] the commit is this block's
  if (item.commit.height !== header.height || !item.commit.block.equals(item.cid)) {
    throw new SyncError('COMMIT_MISMATCH', `commit for height ${item.commit.height} block ${item.commit.block.toString()} came with block ${header.height} ${item.cid.toString()}`)
  }
  // [fatal INVALID_COMMIT] precommits of more than 2/3 of the voting power of our head's validator set
  try {
    verifyCommit(network, shard, item.commit, chain.validatorSet(), verifier !== undefined ? { verifier } : {})
  } catch (err) {
    if (err instanceof ConsensusError) throw new SyncError('INVALID_COMMIT', `commit of block ${header.height}: ${err.message}`, { detail: err.code, cause: err })
    throw err
  }
}

/**
 * Whether `apply` refused the block itself (the peer's fault) rather than failed on our side (disk).
 * Ledger rejections and an invalid commit from the chain store count; anything else is ours.
 */
export function isBlockFault (err: unknown): boolean {
  if (err instanceof BlockError) return err.action === 'reject'
  if (err instanceof TxError) return true
  if (err instanceof ConsensusError) return err.action === 'reject'
  const named = err as { name?: unknown, code?: unknown } | null
  return named?.name === 'ChainError' && named.code === 'INVALID_COMMIT'
}

/** The code to report an apply failure with (the ledger's own code when it has one). */
export function faultDetail (err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}
