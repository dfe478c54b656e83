/**
 * Why a testnet could not be prepared or run. The CLI maps the setup codes (a directory that is not a
 * testnet's, a layout that does not match the existing one) to exit code 2 and the runtime ones
 * (a port in use, a node that died or never answered) to exit code 1.
 */
export type TestnetErrorCode =
  | 'INVALID_OPTION' // a count or port out of range, overlapping port ranges; `field` names the option
  | 'NOT_A_TESTNET' // the directory exists, is not empty and holds no testnet manifest
  | 'LAYOUT_MISMATCH' // the directory holds a different testnet (validators, members, seed); use fresh
  | 'BAD_MANIFEST' // testnet.json is unreadable or malformed
  | 'PORT_IN_USE' // a port of the layout is already bound by another process
  | 'ALREADY_RUNNING' // a node of the testnet in this directory still answers: stop that testnet first
  | 'NODE_FAILED' // a node process exited or did not answer in time
  | 'NO_SUCH_NODE' // a control call named a node index the testnet does not have
  | 'BAD_STATE' // a control call that does not fit the node's state (start a running node…)
  | 'INTERRUPTED' // a second SIGINT/SIGTERM killed the nodes instead of waiting for a clean shutdown

export const TESTNET_USAGE_CODES: ReadonlySet<TestnetErrorCode> = new Set(['INVALID_OPTION', 'NOT_A_TESTNET', 'LAYOUT_MISMATCH', 'BAD_MANIFEST'])

export class TestnetError extends Error {
  override name = 'TestnetError'
  readonly code: TestnetErrorCode
  /** The option or file the problem concerns, when there is one (`validators`, `basePort`…). */
  readonly field: string | undefined

  constructor (code: TestnetErrorCode, message: string, options: { field?: string, cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined)
    this.code = code
    this.field = options.field
  }
}
