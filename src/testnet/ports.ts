/**
 * Ports for testnets. `portsInUse` checks a layout before any node is started, so a clash is reported
 * as "port 4002 is in use" instead of a node dying at start. `leasePortBlock` hands out blocks of
 * ports to testnets that run side by side (parallel test files, several developers on one machine):
 * a block is taken by creating a lock file with O_EXCL, so two leases never overlap; a lock whose
 * process is gone is taken over. Blocks lie below Linux's ephemeral range (32768–60999), so outgoing
 * connections and port-0 listeners of other programs never land on a leased port.
 */
import { randomInt } from 'node:crypto'
import { unlinkSync } from 'node:fs'
import { mkdir, open, readFile, unlink } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TestnetError } from './errors.ts'

/** First port of the leasable range. */
export const LEASE_RANGE_START = 20_000
/** End (exclusive) of the leasable range: below the ephemeral ports. */
export const LEASE_RANGE_END = 32_000
/** Ports per lease block. A testnet with P2P and API ports uses 2 per node: up to 32 nodes. */
export const LEASE_BLOCK_SIZE = 64

/**
 * Whether `port` on `host` can be bound now. Node binds listeners with SO_REUSEADDR, as the nodes
 * themselves do, so a port whose last connections linger in TIME_WAIT counts as free.
 */
export async function canBind (host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => { resolve(true) })
    })
  })
}

/** The ports of `ports` that cannot be bound on `host`. */
export async function portsInUse (host: string, ports: readonly number[]): Promise<number[]> {
  const free = await Promise.all(ports.map(async (p) => canBind(host, p)))
  return ports.filter((_, i) => free[i] !== true)
}

export interface PortLease {
  /** First port of the block. */
  readonly base: number
  /** Ports in the block: base … base + size − 1. */
  readonly size: number
  /** Gives the block back. Idempotent; also done when the process exits. */
  release: () => Promise<void>
}

export interface LeaseOptions {
  /** Host the block's ports must be free on. Default 127.0.0.1. */
  host?: string
  /** Where lock files live. Default `<os tmpdir>/icn-port-leases`. */
  lockDir?: string
  /** Leasable range [start, end); default LEASE_RANGE_START–LEASE_RANGE_END. Blocks are aligned on start. */
  rangeStart?: number
  rangeEnd?: number
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Creates the lock file, taking over a stale one (its process is gone). */
async function lock (file: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o644)
      await fh.writeFile(`${process.pid}\n`)
      await fh.close()
      return true
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim())
    // an empty file is a lock being written right now: leave it to its owner
    if (!Number.isSafeInteger(owner) || owner <= 0 || alive(owner)) return false
    await unlink(file).catch(() => {})
  }
  return false
}

/** Leases a free block of LEASE_BLOCK_SIZE ports on loopback. */
export async function leasePortBlock (options: LeaseOptions = {}): Promise<PortLease> {
  const host = options.host ?? '127.0.0.1'
  const dir = options.lockDir ?? join(tmpdir(), 'icn-port-leases')
  await mkdir(dir, { recursive: true })
  const start = options.rangeStart ?? LEASE_RANGE_START
  const end = options.rangeEnd ?? LEASE_RANGE_END
  const blocks = Math.floor((end - start) / LEASE_BLOCK_SIZE)
  const first = blocks > 0 ? randomInt(blocks) : 0
  for (let k = 0; k < blocks; k++) {
    const base = start + ((first + k) % blocks) * LEASE_BLOCK_SIZE
    const file = join(dir, `block-${base}.lock`)
    if (!await lock(file)) continue
    const ports = Array.from({ length: LEASE_BLOCK_SIZE }, (_, i) => base + i)
    if ((await portsInUse(host, ports)).length > 0) {
      // someone outside the lease scheme uses a port here; leave the block alone
      await unlink(file).catch(() => {})
      continue
    }
    let released = false
    const onExit = (): void => { try { unlinkSync(file) } catch {} }
    process.once('exit', onExit)
    return {
      base,
      size: LEASE_BLOCK_SIZE,
      release: async () => {
        if (released) return
        released = true
        process.off('exit', onExit)
        await unlink(file).catch(() => {})
      }
    }
  }
  throw new TestnetError('PORT_IN_USE', `no free block of ${LEASE_BLOCK_SIZE} ports between ${start} and ${end}`)
}
