/**
 * Block validation (SPEC §7): structural rules, the proposer, the parent's commit certificate, then
 * full re-execution, which must reproduce the header's stateRoot and receiptsRoot. Validation runs on
 * an overlay: a refused block leaves the state as it was (SPEC §15); an accepted one is returned
 * executed, ready for `commitBlock` once consensus finalizes it.
 */
import type { CID } from '../../codec/index.ts'
import type { Commit } from '../../consensus/messages.ts'
import { verifyCommit } from '../../consensus/commit.ts'
import { ConsensusError, type ConsensusErrorCode } from '../../consensus/errors.ts'
import type { SignatureVerifier } from '../../consensus/verifier.ts'
import { selectProposer, type Validator, type ValidatorSet } from '../../consensus/validator-set.ts'
import { BlockError, type BlockErrorCode } from '../errors.ts'
import { getChain, getParams } from '../state/meta.ts'
import type { LedgerState } from '../state/store.ts'
import { lastValidatorSet, nextValidatorSet } from '../state/validators.ts'
import { executeBlock, type ExecutedBlock } from './executor.ts'
import { txRootOf } from './receipts.ts'
import { blockId, blockSize, type Block, type BlockHeader } from './types.ts'
import { txId } from '../tx/envelope.ts'

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0
}

function sameCid (a: CID, b: CID): boolean {
  return a.equals(b) as boolean
}

const COMMIT_CODES: Partial<Record<ConsensusErrorCode, BlockErrorCode>> = {
  COMMIT_WRONG_HEIGHT: 'INVALID_COMMIT',
  COMMIT_WRONG_BLOCK: 'INVALID_COMMIT',
  COMMIT_UNKNOWN_VALIDATOR: 'COMMIT_UNKNOWN_SIGNER',
  COMMIT_DUPLICATE_SIGNATURE: 'COMMIT_DUPLICATE_SIGNER',
  COMMIT_BAD_SIGNATURE: 'COMMIT_BAD_SIGNATURE',
  COMMIT_INSUFFICIENT_POWER: 'COMMIT_NO_QUORUM'
}

/**
 * Checks a block's lastCommit with the consensus module's verifyCommit (for `block` at `height`,
 * distinct signers of `set`, valid precommits, more than 2/3 of the power) and turns its verdict into a
 * BlockError.
 */
export function verifyLastCommit (commit: Commit, opts: { network: CID, shard: number, height: number, block: CID, set: ValidatorSet, verifier?: SignatureVerifier }): void {
  try {
    verifyCommit(opts.network, opts.shard, commit, opts.set, {
      height: opts.height, block: opts.block, ...(opts.verifier !== undefined ? { verifier: opts.verifier } : {})
    })
  } catch (err) {
    if (err instanceof ConsensusError) {
      throw new BlockError(COMMIT_CODES[err.code] ?? 'INVALID_COMMIT', 'header.lastCommit', err.message)
    }
    throw err
  }
}

/** The validator set that votes on the block after `state`'s last block. */
export function validatorSetAt (state: LedgerState): ValidatorSet {
  return nextValidatorSet(state)
}

/** Who must propose the next block in `round`, given the parent block's id. */
export function expectedProposer (state: LedgerState, parent: CID, round: number): Validator {
  const set = nextValidatorSet(state)
  if (set.validators.length === 0) throw new BlockError('NO_VALIDATORS', '', 'no eligible validator')
  const chain = getChain(state)
  return selectProposer(set, parent, round, chain.recentProposers, getParams(state).consensus.proposerCooldown)
}

/** Rules that need no execution. `parent` must be the header of the state's last block. */
export interface ValidateOptions {
  /** This node's clock (ms): when given, the block may be at most maxClockDriftMs ahead of it. */
  now?: number
  /** Signature checker for the commit's precommits, e.g. the engine's caching verifier. */
  verifier?: SignatureVerifier
}

export function checkHeader (state: LedgerState, parent: BlockHeader, block: Block, opts: ValidateOptions = {}): void {
  const { header } = block
  const chain = getChain(state)
  const { consensus } = getParams(state)
  if (!sameCid(header.network, chain.network)) throw new BlockError('WRONG_NETWORK', 'header.network', `block is for network ${header.network.toString()}`)
  if (header.shard !== chain.shard) throw new BlockError('WRONG_SHARD', 'header.shard', `block is for shard ${header.shard}, this chain is shard ${chain.shard}`)
  if (parent.height !== chain.height || !equalBytes(parent.stateRoot, state.stateRoot())) {
    throw new BlockError('STATE_MISMATCH', 'parent', `the state given is not the state after block ${parent.height}`)
  }
  if (header.height !== parent.height + 1) throw new BlockError('WRONG_HEIGHT', 'header.height', `expected height ${parent.height + 1}, got ${header.height}`)
  const parentId = blockId(parent)
  if (header.parent === null || !sameCid(header.parent, parentId)) throw new BlockError('WRONG_PARENT', 'header.parent', `parent must be ${parentId.toString()}`)
  if (header.timestamp <= parent.timestamp) throw new BlockError('TIMESTAMP_NOT_INCREASING', 'header.timestamp', `${header.timestamp} is not after the parent's ${parent.timestamp}`)
  if (opts.now !== undefined && header.timestamp > opts.now + consensus.maxClockDriftMs) {
    throw new BlockError('TIMESTAMP_IN_FUTURE', 'header.timestamp', `${header.timestamp - opts.now} ms ahead of this node's clock`)
  }
  if (block.txs.length > consensus.maxBlockTxs) throw new BlockError('TOO_MANY_TXS', 'txs', `${block.txs.length} transactions, the limit is ${consensus.maxBlockTxs}`)
  const size = blockSize(block)
  if (size > consensus.maxBlockBytes) throw new BlockError('TOO_LARGE', '', `${size} bytes, the limit is ${consensus.maxBlockBytes}`)
  if (!equalBytes(header.txRoot, txRootOf(block.txs.map(txId)))) throw new BlockError('TX_ROOT_MISMATCH', 'header.txRoot', 'does not match the transactions')
  const expected = expectedProposer(state, parentId, header.round)
  if (header.proposer !== expected.did) throw new BlockError('WRONG_PROPOSER', 'header.proposer', `round ${header.round} belongs to ${expected.did}`)
  if (header.height === 1) {
    if (header.lastCommit !== null) throw new BlockError('UNEXPECTED_COMMIT', 'header.lastCommit', 'genesis is not voted on: block 1 carries no commit')
  } else {
    if (header.lastCommit === null) throw new BlockError('MISSING_COMMIT', 'header.lastCommit', `block ${header.height} must carry the commit of block ${parent.height}`)
    verifyLastCommit(header.lastCommit, {
      network: chain.network,
      shard: chain.shard,
      height: parent.height,
      block: parentId,
      set: lastValidatorSet(state),
      ...(opts.verifier !== undefined ? { verifier: opts.verifier } : {})
    })
  }
}

/** Validates `block` on top of `state` (the state after `parent`) and returns it executed. */
export function validateBlock (state: LedgerState, parent: BlockHeader, block: Block, opts: ValidateOptions = {}): ExecutedBlock {
  checkHeader(state, parent, block, opts)
  const { header } = block
  const executed = executeBlock(state, block)
  if (!equalBytes(executed.stateRoot, header.stateRoot)) throw new BlockError('STATE_ROOT_MISMATCH', 'header.stateRoot', 'does not match the state after re-execution')
  if (!equalBytes(executed.receiptsRoot, header.receiptsRoot)) throw new BlockError('RECEIPTS_ROOT_MISMATCH', 'header.receiptsRoot', 'does not match the receipts of re-execution')
  return executed
}
