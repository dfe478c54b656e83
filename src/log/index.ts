/**
 * Logging: pino, structured JSON (one object per line) by default, or one readable line per record
 * (`format: 'pretty'`) for a terminal. Logs go to stderr so stdout stays for command output.
 * Components log through `logger.child({ module: 'name' })`.
 */
import { pino, type Logger, type DestinationStream } from 'pino'
import type { LogFormat, LogLevel } from '../config/index.ts'
import { prettyStream } from './pretty.ts'

export type { Logger }
export { formatPretty } from './pretty.ts'

export interface LoggerOptions {
  /** Default 'info'. */
  level?: LogLevel
  /** Default 'json'. */
  format?: LogFormat
  /** Where records go; default stderr, written synchronously so nothing is lost at exit. */
  destination?: { write: (text: string) => unknown }
  /** Fields on every record (e.g. `{ node: 'v1' }` in an in-process testnet). */
  base?: Record<string, unknown>
}

export function createLogger (options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'json'
  const out = options.destination
  let stream: DestinationStream
  if (format === 'pretty') {
    stream = prettyStream(out ?? process.stderr)
  } else {
    stream = out === undefined ? pino.destination({ dest: 2, sync: true }) : { write: (s: string) => { out.write(s) } }
  }
  return pino({
    level: options.level ?? 'info',
    base: options.base ?? null,
    timestamp: pino.stdTimeFunctions.epochTime
  }, stream)
}

/** A logger that drops everything (tests, library use without logging). */
export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}
