/**
 * Proof of Cooperation consensus (SPEC §7): a Tendermint-style BFT engine (propose → prevote →
 * precommit with locking) over reputation-weighted voting power.
 *
 * The engine is a pure state machine: `step(input) → outputs`. It never reads a clock, touches the
 * network or storage, or imports the ledger. The node wires it up:
 * - the ledger implements ConsensusApp (validator set, proposer, build/verify blocks);
 * - the network adapter feeds received proposals, votes and synced (block, commit) pairs in, and
 *   gossips `broadcast-*` outputs. Re-broadcasts repeat identical messages (the engine counts each
 *   once), so a gossip layer that drops already-seen messages must let them through, or carry them
 *   some other way;
 * - the adapter fires `schedule-timeout` outputs back as `timeout` inputs, and sends a `tick` every
 *   few hundred ms (it drives re-sending);
 * - `wal` outputs are persisted before any later output of the same step is carried out (a `start`
 *   entry begins a new log). After a crash, if the log's `start` is for the height after the stored
 *   head, a fresh engine `restore(log)`s it; otherwise the adapter sends `start`. The PrivValidator's
 *   synchronous SignerStore is a second guard: it never signs two different messages for one
 *   (height, round, step);
 * - on `decide` the adapter applies and stores the block with its commit, then sends `start` for the
 *   next height; on `behind` it fetches decided blocks and feeds them as `commit` inputs.
 *
 * verifyCommit and verifyDuplicateVoteEvidence are shared with the ledger (lastCommit, evidence txs)
 * and with sync (downloaded blocks).
 */
export { consensusEngine, type ConsensusEngine, type ConsensusEngineInit, type ConsensusEngineComponents } from './engine.ts'
export type {
  ConsensusApp, BlockVerdict, BuildBlockRequest, TimeoutInfo, EngineInput, EngineOutput, EngineState, WalEntry,
  StartInput, ProposalInput, VoteInput, TimeoutInput, CommitInput, TickInput
} from './types.ts'
export { timeoutDuration, type RoundStep } from './timeouts.ts'
export { buildCommit, verifyCommit, withSignature, type CommitCheck, type VerifyCommitOptions } from './commit.ts'
export { verifyDuplicateVoteEvidence, type Evidence } from './evidence.ts'
export { createPrivValidator, memorySignerStore, parseSignerState, signerStateSchema, SignStep, type PrivValidator, type SignerState, type SignerStore } from './signer.ts'
export { plainVerifier, cachingVerifier, type SignatureVerifier } from './verifier.ts'
export { ConsensusError, SignerError, type ConsensusErrorCode, type SignerErrorCode, type ErrorAction } from './errors.ts'
export { blockKey, NIL } from './vote-tally.ts'
export { DEFAULT_REBROADCAST_MS, DEFAULT_MAX_FUTURE_ROUNDS_PER_VALIDATOR, DEFAULT_FUTURE_BUFFER_SIZE, MAX_PROPOSALS_PER_ROUND } from './constants.ts'
export * from './messages.ts'
export * from './params.ts'
export * from './validator-set.ts'
