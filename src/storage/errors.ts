/** Why a storage operation failed. Callers and tests match on `code`, not on text. */
export type StoreErrorCode =
  | 'LOCKED' // another process (or another open store in this one) holds the database
  | 'OPEN_FAILED' // the database could not be opened (permissions, corruption, bad path)
  | 'CLOSED' // an operation on a store that is closed or not yet open
  | 'BAD_NAMESPACE' // a namespace name outside [A-Za-z0-9_.-]
  | 'BAD_RANGE' // iteration options that contradict each other
  | 'BATCH_WRITTEN' // a batch used again after write() or discard()

export class StoreError extends Error {
  override name = 'StoreError'
  readonly code: StoreErrorCode

  constructor (code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** Level's error codes are strings on `code`; the lock failure hides in `cause`. */
function levelCode (err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** Translates a level error into a StoreError when it is one we name; anything else passes through. */
export function fromLevelError (err: unknown, location: string): unknown {
  const code = levelCode(err)
  if (code === 'LEVEL_DATABASE_NOT_OPEN' || code === 'LEVEL_DATABASE_NOT_CLOSED') {
    const cause = levelCode((err as { cause?: unknown }).cause)
    if (cause === 'LEVEL_LOCKED') {
      return new StoreError('LOCKED', `database ${location} is in use by another process (is another node running on this home?)`, { cause: err })
    }
    return new StoreError('CLOSED', `database ${location} is not open`, { cause: err })
  }
  return err
}
