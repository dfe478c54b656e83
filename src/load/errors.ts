/**
 * Why a load run could not start or finish. `field` names the option at fault for the setup codes,
 * so the CLI can print it and exit 2.
 */
export type LoadErrorCode =
  | 'INVALID_OPTION' // a rate, duration, account count… out of range; `field` names it
  | 'UNFUNDED' // the accounts cannot pay for the planned transfers (credits or mana); `field` says which
  | 'NODE_UNREACHABLE' // a node API did not answer GET /status
  | 'NETWORK_MISMATCH' // the APIs given belong to different networks
  | 'SUBMIT_FAILED' // a node refused a transaction for a reason retrying cannot fix

export const LOAD_USAGE_CODES: ReadonlySet<LoadErrorCode> = new Set(['INVALID_OPTION', 'UNFUNDED'])

export class LoadError extends Error {
  override name = 'LoadError'
  readonly code: LoadErrorCode
  readonly field: string | undefined

  constructor (code: LoadErrorCode, message: string, options: { field?: string, cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined)
    this.code = code
    this.field = options.field
  }
}
