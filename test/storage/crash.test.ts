import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../helpers/wait.ts'
import { openStore, readU64Key, textKey } from '../../src/storage/index.ts'

const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url))

test('a process killed mid-write leaves every batch whole or absent', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icn-crash-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const path = join(dir, 'db')
  const child = spawn(process.execPath, [WRITER, path], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s })
  const exited = new Promise((resolve) => child.on('close', resolve))
  await waitFor(() => out.split('\n').length > 50, { what: 'the writer to commit 50 batches' })
  child.kill('SIGKILL')
  await exited

  const store = await openStore({ path })
  const count = async (name: string): Promise<Map<number, number>> => {
    const perBatch = new Map<number, number>()
    for await (const key of store.namespace(name).keys()) {
      const i = readU64Key(key)
      perBatch.set(i, (perBatch.get(i) ?? 0) + 1)
    }
    return perBatch
  }
  const [blocks, receipts, state] = await Promise.all(['blocks', 'receipts', 'state'].map(count))
  const lastBytes = await store.namespace('meta').get(textKey('last'))
  assert.ok(lastBytes !== undefined)
  const last = readU64Key(lastBytes)
  assert.ok(last >= 49, 'the batches reported as committed are there')
  for (const perBatch of [blocks, receipts, state]) {
    assert.deepEqual([...(perBatch ?? new Map()).keys()].sort((a, b) => a - b), Array.from({ length: last + 1 }, (_, i) => i))
    for (const [i, n] of perBatch ?? new Map<number, number>()) assert.equal(n, 8, `batch ${i} is whole`)
  }
  await store.close()
})
