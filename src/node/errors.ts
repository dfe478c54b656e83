/**
 * Why a node could not be set up or started. The CLI maps these to exit code 2 (fix the setup), except
 * BAD_STATE and LISTEN_FAILED, which are runtime failures (exit code 1).
 */
export type NodeErrorCode =
  | 'GENESIS_FILE' // the genesis file is missing, unreadable or not JSON
  | 'GENESIS_INVALID' // the genesis file breaks a genesis rule; the message names the field
  | 'NETWORK_MISMATCH' // the database belongs to another network (another genesis)
  | 'KEY_EXISTS' // `init` would overwrite a node key (pass --force)
  | 'GENESIS_EXISTS' // `init` would replace a different genesis (pass --force)
  | 'BAD_STATE' // start() on a started or stopped node
  | 'LISTEN_FAILED' // a listen or API address could not be bound (in use, not local): a runtime failure

export class NodeError extends Error {
  override name = 'NodeError'
  readonly code: NodeErrorCode

  constructor (code: NodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
