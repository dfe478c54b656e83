/**
 * Blocks: header/body types and their strict codec, Merkle roots and receipt proofs, execution with
 * validator rewards, validation (structure, proposer, commit, re-execution) and building.
 */
export {
  encodeBlock, decodeBlock, sealBlock, parseBlock, encodeHeader, decodeHeader, parseHeader, blockId, blockSize,
  DEFAULT_MAX_BLOCK_BYTES, type Block, type BlockHeader
} from './types.ts'
export { merkleRoot, merkleProof, verifyMerkleProof, type InclusionProof } from './merkle.ts'
export { receiptOf, encodeReceipt, receiptsRoot, receiptProof, verifyReceipt, txRootOf, type Receipt } from './receipts.ts'
export { applyCommitRewards, signerReward, performanceAfterSigning, performanceAfterMissing } from './rewards.ts'
export { BlockExecutor, executeBlock, commitBlock, type ExecutedBlock, type BlockContext } from './executor.ts'
export { validateBlock, checkHeader, verifyLastCommit, validatorSetAt, expectedProposer, type ValidateOptions } from './validate.ts'
export { buildBlock, type BuildContext, type BuiltBlock } from './build.ts'
export { genesisHeader, genesisBlock } from './genesis-block.ts'
