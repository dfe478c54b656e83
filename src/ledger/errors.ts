/**
 * Typed ledger errors. Every rejection carries a string-literal `code` (tests and adapters match on
 * it) and the `field` or rule it concerns; none is a bare `false`.
 */

/** Why a transaction was refused (admission, inclusion) or failed (execution). */
export type TxErrorCode =
  // decoding and envelope
  | 'MALFORMED' // wrong shape; `field` names the offending field
  | 'TX_TOO_LARGE' // encoded transaction over the decoder's cap
  | 'PAYLOAD_TOO_LARGE' // encoded payload over economics.maxTxPayloadBytes
  | 'BAD_SIGNATURE' // signature does not verify for `from` in the icn/tx/v1 domain
  | 'WRONG_NETWORK' // envelope network is not this chain's genesis CID
  | 'WRONG_SHARD' // envelope shard is not hash(from) mod shards, or not this chain's shard
  | 'TX_EXPIRED' // timestamp older than block time − txMaxAgeMs
  | 'TX_FROM_FUTURE' // timestamp later than block time + txMaxFutureMs
  // sender account
  | 'UNKNOWN_SENDER' // `from` has no account (accounts are created by genesis, a transfer or registration)
  | 'NONCE_TOO_LOW' // nonce already used: a replay
  | 'NONCE_GAP' // nonce ahead of the account's next nonce (queueable, not includable yet)
  | 'INSUFFICIENT_MANA' // cost exceeds the sender's mana at block time
  // execution rules
  | 'INSUFFICIENT_BALANCE' // the transfer would make the balance negative
  | 'SELF_TRANSFER'
  | 'BALANCE_OVERFLOW' // the recipient's balance would pass a safe integer
  | 'NOT_A_MEMBER' // sender or a named DID is not a registered member
  | 'PERMISSION_DENIED' // the sender lacks the permission the type needs
  | 'ALREADY_REGISTERED'
  | 'UNKNOWN_COOPERATIVE'
  | 'ALREADY_JOINED'
  | 'SELF_RELATIONSHIP'
  | 'SELF_MUTUAL_AID'
  | 'NO_RELATIONSHIP' // endorsements need a relationship between the two members
  | 'SELF_ENDORSEMENT'
  | 'SELF_ATTESTATION'
  | 'DUPLICATE_ATTESTATION' // one per (attester, subject, category) per epoch
  | 'RATE_LIMITED' // attester over attestationsPerEpoch
  | 'SCORE_OUT_OF_RANGE' // |score| above economics.attestationMaxScore
  | 'INVALID_EVIDENCE' // the two votes are not a double-sign
  | 'DUPLICATE_EVIDENCE' // this offence was already punished

/**
 * What a gossip validator should do with a refused message (STYLE 9): `reject` when the message is
 * provably bad whoever relays it (the sender is penalized), `ignore` when it may be a race or a
 * difference of view (stale nonce, a clock a little off, mana not yet regenerated).
 */
export type ErrorAction = 'ignore' | 'reject'

const TX_REJECT: ReadonlySet<TxErrorCode> = new Set<TxErrorCode>([
  'MALFORMED', 'TX_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 'BAD_SIGNATURE', 'WRONG_NETWORK', 'WRONG_SHARD'
])

/** The message of a CodecError without its `field: ` prefix, to re-wrap it without repeating the field. */
export function codecReason (err: { message: string, field: string }): string {
  const prefix = `${err.field}: `
  return err.field !== '' && err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message
}

export class TxError extends Error {
  override name = 'TxError'
  readonly code: TxErrorCode
  /** Dotted path of the field or name of the rule concerned ('' for the whole transaction). */
  readonly field: string
  /** The explanation alone, without code and field. */
  readonly reason: string

  constructor (code: TxErrorCode, field: string, reason: string) {
    super(field === '' ? `${code}: ${reason}` : `${code} (${field}): ${reason}`)
    this.code = code
    this.field = field
    this.reason = reason
  }

  get action (): ErrorAction {
    return TX_REJECT.has(this.code) ? 'reject' : 'ignore'
  }
}

/** Why a block was refused. A block with one includable-rule violation is invalid as a whole. */
export type BlockErrorCode =
  | 'MALFORMED'
  | 'TOO_LARGE' // encoded block over maxBlockBytes
  | 'TOO_MANY_TXS' // over maxBlockTxs
  | 'WRONG_NETWORK'
  | 'WRONG_SHARD'
  | 'WRONG_HEIGHT' // not parent height + 1
  | 'WRONG_PARENT' // parent is not the CID of the parent header
  | 'STATE_MISMATCH' // the state given is not the parent block's state
  | 'TIMESTAMP_NOT_INCREASING'
  | 'TIMESTAMP_IN_FUTURE' // beyond now + maxClockDriftMs
  | 'TX_ROOT_MISMATCH'
  | 'WRONG_PROPOSER'
  | 'NO_VALIDATORS'
  | 'MISSING_COMMIT' // lastCommit is null above height 1
  | 'UNEXPECTED_COMMIT' // lastCommit at height 1 (genesis has no commit)
  | 'INVALID_COMMIT' // commit for another height or block
  | 'COMMIT_UNKNOWN_SIGNER' // signer not in the parent height's validator set
  | 'COMMIT_DUPLICATE_SIGNER'
  | 'COMMIT_BAD_SIGNATURE'
  | 'COMMIT_NO_QUORUM' // signers hold no more than 2/3 of voting power
  | 'INVALID_TX' // a transaction breaks an inclusion rule; `txCode` says which
  | 'STATE_ROOT_MISMATCH'
  | 'RECEIPTS_ROOT_MISMATCH'

export class BlockError extends Error {
  override name = 'BlockError'
  readonly code: BlockErrorCode
  readonly field: string
  /** For INVALID_TX: the transaction's own error code. */
  readonly txCode: TxErrorCode | undefined
  readonly reason: string

  constructor (code: BlockErrorCode, field: string, reason: string, txCode?: TxErrorCode) {
    super(field === '' ? `${code}: ${reason}` : `${code} (${field}): ${reason}`)
    this.code = code
    this.field = field
    this.txCode = txCode
    this.reason = reason
  }

  /** Only a mismatch with this node's own state or clock is not the sender's fault. */
  get action (): ErrorAction {
    return this.code === 'STATE_MISMATCH' || this.code === 'TIMESTAMP_IN_FUTURE' || this.code === 'NO_VALIDATORS' ? 'ignore' : 'reject'
  }
}

export type GenesisErrorCode =
  | 'INVALID_FIELD' // wrong type, missing, unknown or out of range
  | 'DUPLICATE' // the same DID or cooperative twice
  | 'UNKNOWN_MEMBER' // a validator or cooperative member that is not in `members`
  | 'UNKNOWN_COOPERATIVE'
  | 'VALIDATOR_INELIGIBLE' // initial validator below minValidatorReputation
  | 'TOO_FEW_VALIDATORS' // fewer than consensus.minValidators
  | 'SUPPLY_OVERFLOW' // balances sum beyond a safe integer

export class GenesisError extends Error {
  override name = 'GenesisError'
  readonly code: GenesisErrorCode
  /** Dotted path of the offending key, e.g. `validators.2` or `members.0.did`. */
  readonly field: string

  constructor (code: GenesisErrorCode, field: string, message: string) {
    super(field === '' ? message : `${field}: ${message}`)
    this.code = code
    this.field = field
  }
}

export type StateErrorCode =
  | 'STALE_CHANGES' // changes computed against another version of the state
  | 'CORRUPT_ENTRY' // a persisted value that does not decode

export class StateError extends Error {
  override name = 'StateError'
  readonly code: StateErrorCode

  constructor (code: StateErrorCode, message: string) {
    super(message)
    this.code = code
  }
}
