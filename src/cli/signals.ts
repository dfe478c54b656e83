/** Shutdown on signals for commands that run a node until interrupted (`start`, `join`). */
import type { CliIo } from './io.ts'

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once (code 1). */
export function shutdownSignal (io: CliIo): { received: Promise<NodeJS.Signals>, dispose: () => void } {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']
  let resolveSignal: (s: NodeJS.Signals) => void = () => {}
  const received = new Promise<NodeJS.Signals>((resolve) => { resolveSignal = resolve })
  let count = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++count === 1) return resolveSignal(signal)
    io.stderr.write(`icn: ${signal} again: exiting without a clean shutdown\n`)
    process.exit(1)
  }
  for (const s of signals) process.on(s, onSignal)
  return { received, dispose: () => { for (const s of signals) process.off(s, onSignal) } }
}
