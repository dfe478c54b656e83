import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../helpers/wait.ts'
import { openStore } from '../../src/storage/index.ts'
import { openChain } from '../../src/chain/index.ts'
import { getAccount, txId } from '../../src/ledger/index.ts'
import { bob, tempDir, testGenesis } from './helpers.ts'

const COMMITTER = fileURLToPath(new URL('./crash-committer.ts', import.meta.url))

/** Runs the committer on `path` until it has reported `blocks` more commits, then SIGKILLs it. */
async function runAndKill (path: string, blocks: number): Promise<number> {
  const child = spawn(process.execPath, [COMMITTER, path], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s })
  child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s })
  const exited = new Promise((resolve) => child.on('close', resolve))
  const reported = (): number[] => out.split('\n').filter((l) => l !== '').map(Number)
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`committer exited: ${err}`)
    return reported().length >= blocks
  }, { what: `the committer to report ${blocks} blocks` })
  child.kill('SIGKILL')
  await exited
  return Math.max(...reported())
}

test('a process killed while committing blocks loses no committed block and reopens with a matching state root', async (t) => {
  const dir = await tempDir(t)
  const path = join(dir, 'db')
  for (const round of [1, 2]) {
    const lastReported = await runAndKill(path, 25)
    const store = await openStore({ path })
    try {
      // openChain itself refuses a state that does not hash to the head's stateRoot
      const chain = await openChain(store, testGenesis())
      assert.ok(chain.height >= lastReported, `round ${round}: head ${chain.height} is at least the last reported ${lastReported}`)
      // one transfer of 1 per block: bob's balance counts the blocks whose state writes are on disk
      assert.equal(getAccount(chain.ledger.state, bob.did)?.balance, 500 + chain.height)
      const blocks = await chain.blocksRange(1, chain.height)
      assert.equal(blocks.length, chain.height)
      for (const stored of blocks) {
        assert.ok(stored.commit !== null && stored.commit.block.equals(stored.cid), `block ${stored.height} has its commit`)
        assert.equal(stored.receipts.length, 1)
        assert.deepEqual(await chain.txLocation(txId(stored.block.txs[0]!)), { height: stored.height, index: 0 })
      }
    } finally {
      await store.close()
    }
  }
})
