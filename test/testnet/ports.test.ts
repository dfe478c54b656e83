import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LEASE_BLOCK_SIZE, canBind, leasePortBlock, portsInUse, TestnetError } from '../../src/testnet/index.ts'

async function tempDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-testnet-ports-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

async function listen (port: number): Promise<Server> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => { server.once('error', reject).listen({ host: '127.0.0.1', port }, resolve) })
  return server
}

/** The pid of a process that has exited: a lock it held is stale. */
async function deadPid (): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.once('exit', resolve))
  return child.pid ?? 0
}

test('portsInUse reports exactly the ports another listener holds', async (t) => {
  const server = await listen(0)
  t.after(() => { server.close() })
  const taken = (server.address() as { port: number }).port
  assert.equal(await canBind('127.0.0.1', taken), false)
  const free = await leasePortBlock({ lockDir: await tempDir(t) })
  t.after(free.release)
  assert.deepEqual(await portsInUse('127.0.0.1', [free.base, taken, free.base + 1]), [taken])
})

test('leases never overlap, are given back, and a stale lock is taken over', async (t) => {
  const lockDir = await tempDir(t)
  const a = await leasePortBlock({ lockDir })
  const b = await leasePortBlock({ lockDir })
  t.after(async () => { await a.release(); await b.release() })
  assert.equal(a.size, LEASE_BLOCK_SIZE)
  assert.ok(a.base + a.size <= b.base || b.base + b.size <= a.base, `blocks ${a.base} and ${b.base} are disjoint`)
  assert.equal(await canBind('127.0.0.1', a.base), true, 'a leased block is free to bind')

  // a range of exactly one block: held → refused; released → leased again; stale → taken over
  const one = { lockDir, rangeStart: a.base, rangeEnd: a.base + LEASE_BLOCK_SIZE }
  await assert.rejects(leasePortBlock(one), (e: unknown) => e instanceof TestnetError && e.code === 'PORT_IN_USE')
  await a.release()
  await a.release()
  const again = await leasePortBlock(one)
  assert.equal(again.base, a.base)
  await again.release()
  assert.deepEqual((await readdir(lockDir)).filter((f) => f === `block-${a.base}.lock`), [], 'release removes the lock')

  await writeFile(join(lockDir, `block-${a.base}.lock`), `${await deadPid()}\n`)
  const takeover = await leasePortBlock(one)
  assert.equal(takeover.base, a.base)
  await takeover.release()
})

test('a block with a port bound outside the lease scheme is skipped', async (t) => {
  const lockDir = await tempDir(t)
  const probe = await leasePortBlock({ lockDir })
  await probe.release()
  const server = await listen(probe.base + 5)
  t.after(() => { server.close() })
  await assert.rejects(leasePortBlock({ lockDir, rangeStart: probe.base, rangeEnd: probe.base + LEASE_BLOCK_SIZE }),
    (e: unknown) => e instanceof TestnetError && e.code === 'PORT_IN_USE')
  assert.deepEqual(await readdir(lockDir), [], 'the skipped block is not left locked')
})
