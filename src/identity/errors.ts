export type IdentityErrorCode =
  | 'INVALID_DID' // not a did:key of an Ed25519 key
  | 'INVALID_KEY' // wrong length or type of key material
  | 'KEY_FILE' // a key file that is missing, unreadable or malformed

export class IdentityError extends Error {
  override name = 'IdentityError'
  readonly code: IdentityErrorCode

  constructor (code: IdentityErrorCode, message: string) {
    super(message)
    this.code = code
  }
}
