/**
 * Ownership of run slots, and cleanup of what crashed runs left behind. A run claims slot s by
 * creating /run/icn-faults/icnf<s>.pid exclusively (O_EXCL: two runs never get the same slot); every
 * namespace and link named `icnf<s>…` belongs to that slot. A slot whose owner file is missing or
 * names a process that no longer exists is a leftover: its processes are killed, its namespaces and
 * its root link deleted. /run is cleared at boot, like the namespaces themselves.
 */
import { mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname } from 'node:path'
import { FaultsError } from '../errors.ts'
import { ip, ipQuiet } from './exec.ts'
import { RUN_SLOTS, STATE_DIR, SUBNET_BASE, TEMP_DIR_PREFIX, ownerFile, rootLink, slotOf } from './names.ts'

function pidAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The owner file: the owner's pid, then the temporary directory of its homes (or an empty line). */
async function ownerOf (s: number): Promise<{ pid: number | undefined, tempDir: string | undefined }> {
  const text = await readFile(ownerFile(s), 'utf8').catch(() => '')
  const [first, second] = text.split('\n')
  const pid = Number(first?.trim())
  const dir = second?.trim() ?? ''
  // only a directory this driver made is removed: under the temp directory, named icn-faults-*
  const ours = dir !== '' && dirname(dir) === tmpdir() && basename(dir).startsWith(TEMP_DIR_PREFIX)
  return { pid: Number.isSafeInteger(pid) && pid > 0 ? pid : undefined, tempDir: ours ? dir : undefined }
}

async function alive (s: number): Promise<boolean> {
  const { pid } = await ownerOf(s)
  return pid !== undefined && pidAlive(pid)
}

/** Removes the slot's owner file and the temporary directory it names. */
async function forget (s: number): Promise<void> {
  const { tempDir } = await ownerOf(s)
  if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true })
  await unlink(ownerFile(s)).catch(() => {})
}

/** Namespaces whose names start with one of our prefixes. */
async function ourNamespaces (): Promise<string[]> {
  const { stdout } = await ip(['netns', 'list']).catch(() => ({ stdout: '' }))
  return stdout.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((n) => slotOf(n) !== undefined)
}

/** Root-namespace links named like ours. */
async function ourLinks (): Promise<string[]> {
  const { stdout } = await ip(['-o', 'link', 'show']).catch(() => ({ stdout: '' }))
  return stdout.split('\n').map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? '').filter((n) => slotOf(n) !== undefined)
}

/** Kills whatever still runs in slot s's namespaces, deletes them and its root link. */
export async function removeSlotObjects (s: number, namespaces?: readonly string[]): Promise<void> {
  const all = namespaces ?? await ourNamespaces()
  const mine = all.filter((n) => slotOf(n) === s)
  for (const ns of mine) {
    const { stdout } = await ip(['netns', 'pids', ns]).catch(() => ({ stdout: '' }))
    for (const pid of stdout.split('\n').map(Number).filter((p) => Number.isSafeInteger(p) && p > 0)) {
      try { process.kill(pid, 'SIGKILL') } catch {}
    }
  }
  for (const ns of mine) await ipQuiet(['netns', 'del', ns])
  await ipQuiet(['link', 'del', rootLink(s)])
}

/**
 * Removes every slot whose owner is gone — or, with `all`, every slot, running or not (for a
 * machine where no run should be going on). Resolves with the slots removed.
 */
export async function cleanupLeftovers (options: { all?: boolean } = {}): Promise<number[]> {
  const namespaces = await ourNamespaces()
  const links = await ourLinks()
  const slots = new Set([...namespaces, ...links].map((n) => slotOf(n)).filter((s): s is number => s !== undefined))
  const removed: number[] = []
  for (const s of [...slots].sort((a, b) => a - b)) {
    if (options.all !== true && await alive(s)) continue
    await removeSlotObjects(s, namespaces)
    await forget(s)
    removed.push(s)
  }
  return removed
}

async function addressInUse (s: number): Promise<boolean> {
  const { stdout } = await ip(['-4', '-o', 'addr', 'show']).catch(() => ({ stdout: '' }))
  return stdout.includes(` ${SUBNET_BASE}.${s}.`)
}

/** Creates slot s's owner file; on a dead owner's file, clears its leftovers and tries once more. */
async function tryClaim (s: number, tempDir: string | undefined): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(ownerFile(s), `${process.pid}\n${tempDir ?? ''}\n`, { flag: 'wx', mode: 0o644 })
      return true
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new FaultsError('NETWORK_SETUP', `cannot write ${ownerFile(s)}: ${(err as Error).message}`, { cause: err })
      if (await alive(s)) return false
      await removeSlotObjects(s)
      await forget(s)
    }
  }
  return false
}

/**
 * Claims a free slot for this process; clears anything left over under its names first. `tempDir`
 * (the run's temporary directory) is noted in the owner file, so cleaning up after a killed run
 * removes it too.
 */
export async function claimSlot (tempDir?: string): Promise<number> {
  await mkdir(STATE_DIR, { recursive: true, mode: 0o755 })
  for (let s = 0; s < RUN_SLOTS; s++) {
    if (!await tryClaim(s, tempDir)) continue
    // the slot is ours: anything named after it is an orphan of a run that left no owner file
    await removeSlotObjects(s)
    if (await addressInUse(s)) {
      // someone else's network uses 10.77.<s>.0/24: not ours to touch
      await unlink(ownerFile(s)).catch(() => {})
      continue
    }
    return s
  }
  throw new FaultsError('NETWORK_SETUP', `no free subnet under ${SUBNET_BASE}.0.0/16: ${RUN_SLOTS} runs hold one each (see ${STATE_DIR})`)
}

export async function releaseSlot (s: number): Promise<void> {
  await unlink(ownerFile(s)).catch(() => {})
}
