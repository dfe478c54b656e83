/**
 * Typed rejections of the consensus engine (STYLE 9, 12). Every error carries a string-literal code
 * and an action: `ignore` for harmless noise (duplicates, stale or early messages), `reject` for
 * messages that are provably wrong (bad signature, wrong proposer), which the network adapter turns
 * into a peer penalty. Tests match on `code`, never on message text.
 */

export type ConsensusErrorCode =
  | 'WRONG_NETWORK' // message names another network id
  | 'WRONG_SHARD' // message names another shard
  | 'NOT_STARTED' // the engine has not been given a height yet
  | 'OLD_HEIGHT' // message for a height below the current one
  | 'FUTURE_HEIGHT' // message for a height beyond the next one (the node is behind: sync)
  | 'ALREADY_DECIDED' // the current height is decided; only late precommits still count
  | 'UNEXPECTED_START' // a start input out of order
  | 'ALREADY_STARTED' // restore() on an engine that already runs
  | 'UNKNOWN_VALIDATOR' // signer not in the validator set of the height
  | 'BAD_SIGNATURE' // signature does not verify
  | 'WRONG_PROPOSER' // proposal not from app.proposer(height, round)
  | 'INVALID_VALID_ROUND' // proposal validRound not below its round
  | 'BLOCK_MISMATCH' // the block travelling with a proposal or commit is not the one it names
  | 'INVALID_BLOCK' // the app refused a block carried by a commit
  | 'DUPLICATE' // a message already counted
  | 'TOO_MANY_FUTURE_ROUNDS' // a validator is already counted in too many rounds ahead of ours
  | 'PROPOSAL_LIMIT' // a proposer already has the most proposals kept for this round
  | 'COMMIT_WRONG_HEIGHT' // commit certificate for another height
  | 'COMMIT_WRONG_BLOCK' // commit certificate for another block
  | 'COMMIT_UNKNOWN_VALIDATOR' // commit signature from outside the validator set
  | 'COMMIT_DUPLICATE_SIGNATURE' // one validator signs a commit twice
  | 'COMMIT_BAD_SIGNATURE' // commit signature does not verify
  | 'COMMIT_INSUFFICIENT_POWER' // commit signers hold 2/3 of voting power or less
  | 'EVIDENCE_MISMATCH' // two votes of different validators, heights, rounds or types
  | 'EVIDENCE_NOT_CONFLICTING' // two votes for the same block are not a double-sign

export type ErrorAction = 'ignore' | 'reject'

const ACTIONS: Record<ConsensusErrorCode, ErrorAction> = {
  WRONG_NETWORK: 'reject',
  WRONG_SHARD: 'reject',
  NOT_STARTED: 'ignore',
  OLD_HEIGHT: 'ignore',
  FUTURE_HEIGHT: 'ignore',
  ALREADY_DECIDED: 'ignore',
  UNEXPECTED_START: 'ignore',
  ALREADY_STARTED: 'ignore',
  UNKNOWN_VALIDATOR: 'reject',
  BAD_SIGNATURE: 'reject',
  WRONG_PROPOSER: 'reject',
  INVALID_VALID_ROUND: 'reject',
  BLOCK_MISMATCH: 'reject',
  INVALID_BLOCK: 'reject',
  DUPLICATE: 'ignore',
  TOO_MANY_FUTURE_ROUNDS: 'ignore',
  PROPOSAL_LIMIT: 'ignore',
  COMMIT_WRONG_HEIGHT: 'reject',
  COMMIT_WRONG_BLOCK: 'reject',
  COMMIT_UNKNOWN_VALIDATOR: 'reject',
  COMMIT_DUPLICATE_SIGNATURE: 'reject',
  COMMIT_BAD_SIGNATURE: 'reject',
  COMMIT_INSUFFICIENT_POWER: 'reject',
  EVIDENCE_MISMATCH: 'reject',
  EVIDENCE_NOT_CONFLICTING: 'reject'
}

export class ConsensusError extends Error {
  override name = 'ConsensusError'
  readonly code: ConsensusErrorCode
  /** What the network should do with the message that caused it. */
  readonly action: ErrorAction

  constructor (code: ConsensusErrorCode, message: string) {
    super(message)
    this.code = code
    this.action = ACTIONS[code]
  }

  /**
   * A rejection reported as data (the engine's `rejected` output), built without a stack trace:
   * duplicates are routine and capturing a stack for each was a tenth of the simulator's time.
   */
  static verdict (code: ConsensusErrorCode, message: string): ConsensusError {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      return new ConsensusError(code, message)
    } finally {
      Error.stackTraceLimit = limit
    }
  }
}

export type SignerErrorCode =
  | 'DOUBLE_SIGN' // a different message for a (height, round, step) already signed
  | 'SIGN_REGRESSION' // a (height, round, step) below the last one signed
  | 'WRONG_KEY' // the message names another validator than the signer's key

/**
 * The signer refused. For DOUBLE_SIGN, `previous` is the message already signed for that
 * (height, round, step): the only one this validator may ever send there.
 */
export class SignerError extends Error {
  override name = 'SignerError'
  readonly code: SignerErrorCode
  readonly previous: unknown

  constructor (code: SignerErrorCode, message: string, previous?: unknown) {
    super(message)
    this.code = code
    this.previous = previous
  }
}
