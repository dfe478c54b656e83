/**
 * Why a fault scenario could not run, or stopped. The CLI maps the setup codes (a bad manifest, a
 * step the driver cannot do, a driver this machine cannot run) to exit code 2, the rest to 1. A
 * safety violation is not a FaultsError: it is the checker's SafetyViolation, reported as such.
 */

export type FaultsErrorCode =
  | 'BAD_MANIFEST' // the manifest is not JSON or breaks a rule; `field` names where (steps.2.groups)
  | 'UNSUPPORTED' // the driver cannot do what the manifest asks (e.g. equivocate in separate processes)
  | 'UNAVAILABLE' // the driver cannot run here (netns: not root, no iproute2, no namespaces)
  | 'BAD_OPTION' // a run option is unusable (a --dir that is not empty)
  | 'NETWORK_SETUP' // a namespace, link or route could not be created or removed
  | 'NODE_FAILED' // a node did not start, or exited on its own
  | 'STEP_TIMEOUT' // a step's condition did not hold within its timeout
  | 'RUN_TIMEOUT' // the whole run took longer than the manifest's timeout
  | 'ABORTED' // the caller aborted the run (Ctrl-C)

export const FAULTS_USAGE_CODES: ReadonlySet<FaultsErrorCode> = new Set(['BAD_MANIFEST', 'UNSUPPORTED', 'UNAVAILABLE', 'BAD_OPTION'])

export class FaultsError extends Error {
  override name = 'FaultsError'
  readonly code: FaultsErrorCode
  /** The manifest field or node the problem concerns, when there is one. */
  readonly field: string | undefined

  constructor (code: FaultsErrorCode, message: string, options: { field?: string, cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined)
    this.code = code
    this.field = options.field
  }
}
