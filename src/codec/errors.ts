/** Why a value could not be encoded or decoded. Tests and callers match on `code`, not on text. */
export type CodecErrorCode =
  | 'NOT_CANONICAL' // a value that has no canonical DAG-CBOR form (float, NaN, unsafe integer, class instance)
  | 'MALFORMED' // bytes that are not valid DAG-CBOR
  | 'TOO_LARGE' // input larger than the cap the caller set
  | 'SCHEMA' // well-formed data that breaks the expected shape; `field` names where

export class CodecError extends Error {
  override name = 'CodecError'
  readonly code: CodecErrorCode
  /** Dotted path of the offending field (`payload.amount`, `txs.3.signature`), '' for the whole value. */
  readonly field: string

  constructor (code: CodecErrorCode, field: string, message: string) {
    super(field === '' ? message : `${field}: ${message}`)
    this.code = code
    this.field = field
  }
}
