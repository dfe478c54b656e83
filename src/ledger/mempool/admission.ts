/**
 * The admission rules that need nothing but the submitted metadata and the sender's queue. They run
 * before the ledger's check so that the cheap refusals cost nothing; none of them mutates anything.
 */
import { MAX_PRIORITY, MIN_PRIORITY } from './constants.ts'
import { MempoolError } from './errors.ts'
import type { SenderQueue } from './sender-queue.ts'
import type { MempoolEntry, MempoolTx } from './types.ts'

export interface SenderLimits {
  maxPerSender: number
  maxQueuedPerSender: number
  maxNonceGap: number
}

/** The metadata the pool's accounting depends on must be well formed, whoever computed it. */
export function validateInput<T> (input: MempoolTx<T>): void {
  if (typeof input.id !== 'string' || input.id === '') {
    throw new MempoolError('INVALID_ENTRY', 'must be a non-empty string', 'id')
  }
  if (typeof input.from !== 'string' || input.from === '') {
    throw new MempoolError('INVALID_ENTRY', 'must be a non-empty string', 'from')
  }
  if (!Number.isSafeInteger(input.nonce) || input.nonce < 0) {
    throw new MempoolError('INVALID_ENTRY', 'must be a non-negative safe integer', 'nonce')
  }
  if (!Number.isInteger(input.priority) || input.priority < MIN_PRIORITY || input.priority > MAX_PRIORITY) {
    throw new MempoolError('INVALID_ENTRY', `must be an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY}`, 'priority')
  }
  if (!Number.isSafeInteger(input.size) || input.size < 1) {
    throw new MempoolError('INVALID_ENTRY', 'must be a positive safe integer', 'size')
  }
}

/**
 * Applies the per-sender nonce rules to `input` against `queue` (which may be a fresh, unregistered
 * queue for a sender the pool does not hold yet). Returns the held entry `input` would replace.
 */
export function admitNonce<T> (
  queue: SenderQueue<T>, input: MempoolTx<T>, limits: SenderLimits
): MempoolEntry<T> | undefined {
  if (input.nonce < queue.base) {
    throw new MempoolError('NONCE_TOO_LOW', `nonce ${input.nonce} is below the account nonce ${queue.base}`)
  }
  const held = queue.get(input.nonce)
  if (held !== undefined) {
    // Replacement must be strictly better, or two copies could ping-pong forever at no cost.
    if (input.priority <= held.priority) {
      throw new MempoolError('REPLACEMENT_UNDERPRICED',
        `nonce ${input.nonce} is held at priority ${held.priority}; a replacement needs a higher one`)
    }
    return held
  }
  if (queue.length >= limits.maxPerSender) {
    throw new MempoolError('SENDER_QUEUE_FULL', `sender already holds ${queue.length} transactions`)
  }
  const next = queue.nextNonce()
  if (input.nonce > next) {
    if (input.nonce - next > limits.maxNonceGap) {
      throw new MempoolError('NONCE_TOO_HIGH',
        `nonce ${input.nonce} is more than ${limits.maxNonceGap} past the next executable nonce ${next}`)
    }
    if (queue.queuedCount() >= limits.maxQueuedPerSender) {
      throw new MempoolError('SENDER_QUEUE_FULL',
        `sender already holds ${limits.maxQueuedPerSender} queued future-nonce transactions`)
    }
  }
  return undefined
}
