/**
 * What the checker throws. A `SafetyViolation` is the checker's verdict: two different finalized
 * blocks at one height, or a finalized block that changed or disappeared on one node. It carries
 * both nodes, both CIDs and the heights, so the message alone says what happened.
 */

export type SafetyViolationCode =
  | 'CONFLICTING_FINALIZATION' // two nodes finalized different blocks at one height
  | 'ROLLBACK' // one node's finalized block at a height changed
  | 'HEIGHT_DECREASED' // one node's finalized height went down

export interface SafetyViolationDetail {
  code: SafetyViolationCode
  /** The height at issue (for HEIGHT_DECREASED: the height the node reports now). */
  height: number
  /** For HEIGHT_DECREASED: the height the node reported before. */
  previousHeight?: number
  /** [first seen, now seen]: two nodes, or the same node twice. */
  nodes: [string, string]
  /** The CIDs in the same order as `nodes`. */
  cids: [string, string]
  /** When it was seen, in ms since the checker started. */
  atMs: number
}

function describe (d: SafetyViolationDetail): string {
  const [a, b] = d.nodes
  const [x, y] = d.cids
  switch (d.code) {
    case 'CONFLICTING_FINALIZATION':
      return `conflicting finalization at height ${d.height}: ${a} finalized ${x}, ${b} finalized ${y}`
    case 'ROLLBACK':
      return `rollback at height ${d.height}: ${a} had finalized ${x}, now reports ${y}`
    case 'HEIGHT_DECREASED':
      return `rollback: ${a}'s finalized height went from ${d.previousHeight ?? '?'} (${x}) to ${d.height} (${y})`
  }
}

export class SafetyViolation extends Error {
  override name = 'SafetyViolation'
  readonly code: SafetyViolationCode
  readonly detail: SafetyViolationDetail

  constructor (detail: SafetyViolationDetail) {
    super(`safety violation: ${describe(detail)}`)
    this.code = detail.code
    this.detail = detail
  }
}

export type CheckerErrorCode =
  | 'TIMEOUT' // waitFor: the condition did not hold in time
  | 'STOPPED' // waitFor: the checker was stopped
  | 'DUPLICATE_NODE' // add: a view with this name is already watched

export class CheckerError extends Error {
  override name = 'CheckerError'
  readonly code: CheckerErrorCode

  constructor (code: CheckerErrorCode, message: string) {
    super(message)
    this.code = code
  }
}
