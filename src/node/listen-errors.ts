/**
 * Turns "could not bind an address" failures from libp2p and the HTTP server into one NodeError that
 * names the address and the configuration key, so an operator reads "cannot listen on
 * /ip4/0.0.0.0/tcp/4001 [key listen]: address already in use" instead of a transport-manager essay.
 */
import { NodeError } from './errors.ts'

const BIND_CODES = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES'])

/** For the libp2p host: its error lists each failed multiaddr on a line of its own. */
export function hostListenError (err: unknown): unknown {
  if (!(err instanceof Error) || err.name !== 'UnsupportedListenAddressesError') return err
  const failures = err.message.split('\n')
    .map((line) => /^\s*(\/\S+): (?:\w*Error: )?(.+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1] ?? ''} (${m[2] ?? ''})`)
  const detail = failures.length > 0 ? failures.join(', ') : err.message
  return new NodeError('LISTEN_FAILED', `cannot listen on ${detail} [key listen]`, { cause: err })
}

/** For the HTTP API server. */
export function apiListenError (err: unknown, address: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code
  if (code === undefined || !BIND_CODES.has(code)) return err
  return new NodeError('LISTEN_FAILED', `cannot serve the API on ${address} [key api]: ${(err as Error).message}`, { cause: err })
}
