/**
 * Why a downloaded block was refused, and what that costs the peer that served it
 * (protocols/sync.md, "Verification"). One table maps each rule to its report.
 */
import type { PeerAction } from '../network/reqresp/index.ts'

export type SyncErrorCode =
  | 'WRONG_HEIGHT' // not the child height of our head
  | 'WRONG_PARENT' // header.parent is not our head's CID
  | 'COMMIT_MISMATCH' // the commit is for another height or another block than the one it came with
  | 'INVALID_COMMIT' // the commit does not verify against the validator set of our head
  | 'INVALID_BLOCK' // the commit is fine but the block is not (re-execution refused it)

export const SYNC_ACTION: Record<SyncErrorCode, PeerAction> = {
  WRONG_HEIGHT: 'low',
  WRONG_PARENT: 'low',
  COMMIT_MISMATCH: 'low',
  INVALID_COMMIT: 'fatal',
  INVALID_BLOCK: 'low'
}

export class SyncError extends Error {
  override name = 'SyncError'
  readonly code: SyncErrorCode
  /** The code of the underlying error (ConsensusError, BlockError, …) when there is one. */
  readonly detail: string | undefined

  constructor (code: SyncErrorCode, message: string, options: { detail?: string, cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined)
    this.code = code
    this.detail = options.detail
  }

  get action (): PeerAction {
    return SYNC_ACTION[this.code]
  }
}
