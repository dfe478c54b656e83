/**
 * Exit codes and the one-line error report. 0: success; 2: the command line, the configuration or the
 * node's setup must change (a bad flag, an invalid key, a missing genesis, an existing key without
 * --force); 1: a runtime failure (a port in use, a database held by another process, I/O).
 */
import { CommanderError } from 'commander'
import { ConfigError } from '../config/index.ts'
import { IdentityError } from '../identity/index.ts'
import { NodeError } from '../node/errors.ts'

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/** A command used wrongly in a way commander cannot see (a missing required choice, a conflict). */
export class UsageError extends Error {
  override name = 'UsageError'
  readonly code = 'USAGE'
}

export function exitCodeOf (err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE
  if (err instanceof UsageError || err instanceof ConfigError) return EXIT_USAGE
  if (err instanceof NodeError) return err.code === 'BAD_STATE' || err.code === 'LISTEN_FAILED' ? EXIT_FAILURE : EXIT_USAGE
  if (err instanceof IdentityError) return EXIT_USAGE
  return EXIT_FAILURE
}

/** One line (the message) unless ICN_DEBUG=1, then the stack and its causes. */
export function formatError (err: unknown, debug: boolean): string {
  if (!(err instanceof Error)) return `icn: ${String(err)}\n`
  if (!debug) {
    // one line: a multi-line message (libp2p lists each failed address) is folded, stack frames dropped
    const lines = err.message.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('at '))
    return `icn: ${lines.join(' ')}\n`
  }
  let out = `icn: ${err.stack ?? err.message}\n`
  let cause: unknown = err.cause
  while (cause instanceof Error) {
    out += `caused by: ${cause.stack ?? cause.message}\n`
    cause = cause.cause
  }
  return out
}
