/** Runs `ip` (iproute2) and reports a failure with the command and what it printed. */
import { execFile, spawnSync } from 'node:child_process'
import { FaultsError } from '../errors.ts'

/** Budget of one `ip` command; they are quick unless the kernel is stuck. */
const IP_TIMEOUT_MS = 10_000

export interface IpResult { stdout: string, stderr: string }

/** `ip …args`; rejects with NETWORK_SETUP (or `code`) naming the command and its stderr. */
export async function ip (args: readonly string[], code: 'NETWORK_SETUP' | 'UNAVAILABLE' = 'NETWORK_SETUP'): Promise<IpResult> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: IP_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err === null) {
        resolve({ stdout, stderr })
        return
      }
      const why = stderr.trim() !== '' ? stderr.trim() : err.message
      reject(new FaultsError(code, `ip ${args.join(' ')}: ${why}`, { cause: err }))
    })
  })
}

/** `ip …args`, resolving to false instead of rejecting (removals of things that may be gone). */
export async function ipQuiet (args: readonly string[]): Promise<boolean> {
  return ip(args).then(() => true, () => false)
}

/** Synchronous `ip`, for the process-exit hook (nothing asynchronous runs there). */
export function ipSync (args: readonly string[]): void {
  spawnSync('ip', args, { stdio: 'ignore', timeout: IP_TIMEOUT_MS })
}
