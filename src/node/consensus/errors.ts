export type ConsensusServiceErrorCode =
  | 'SIGNER_STATE' // the signing state on disk cannot be read: refuse to sign rather than risk a double-sign
  | 'WAL' // the consensus write-ahead log cannot be written
  | 'NOT_RUNNING' // an input arrived before start or after stop

export class ConsensusServiceError extends Error {
  override name = 'ConsensusServiceError'
  readonly code: ConsensusServiceErrorCode

  constructor (code: ConsensusServiceErrorCode, message: string) {
    super(message)
    this.code = code
  }
}
