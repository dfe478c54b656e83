import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, appendFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WalFile } from '../../../src/node/consensus/wal-file.ts'
import { fileSignerStore } from '../../../src/node/consensus/signer-file.ts'
import { ConsensusServiceError } from '../../../src/node/consensus/errors.ts'
import { createPrivValidator, signVote, VoteType, SignerError, type WalEntry } from '../../../src/consensus/index.ts'
import { cidOf } from '../../../src/codec/index.ts'
import type { Block } from '../../../src/ledger/index.ts'
import { V } from '../../ledger/helpers.ts'

const network = cidOf({ network: 'wal-test' })

function vote (height: number, round: number): WalEntry<Block> {
  return { type: 'vote', now: 1000 + round, vote: signVote(V[0], { network, shard: 0, height, round, type: VoteType.Prevote, block: null, validator: V[0].did }) }
}

async function tempDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-wal-'))
  t.after(async () => rm(dir, { recursive: true, force: true }))
  return dir
}

test('the WAL reads back what was appended, and a start entry begins a new log', async (t) => {
  const wal = new WalFile(join(await tempDir(t), 'consensus.wal'))
  wal.append({ type: 'start', now: 1, height: 5, lastCommit: null })
  wal.append(vote(5, 0))
  wal.append({ type: 'timeout', now: 2, height: 5, round: 0, step: 'prevote' })
  let entries = wal.read()
  assert.deepEqual(entries.map((e) => e.type), ['start', 'vote', 'timeout'])
  assert.equal(entries[1]?.type === 'vote' && entries[1].vote.validator, V[0].did)

  wal.append({ type: 'start', now: 3, height: 6, lastCommit: null })
  entries = wal.read()
  assert.deepEqual(entries.map((e) => e.type), ['start'])
  assert.equal(entries[0]?.type === 'start' && entries[0].height, 6)
  wal.close()
})

test('a torn tail from a crash mid-append is dropped; everything before it survives', async (t) => {
  const path = join(await tempDir(t), 'consensus.wal')
  const wal = new WalFile(path)
  wal.append({ type: 'start', now: 1, height: 2, lastCommit: null })
  wal.append(vote(2, 0))
  wal.close()
  const size = (await stat(path)).size
  // A record header promising 500 bytes followed by only 3 of them.
  await appendFile(path, Buffer.from([0, 0, 1, 244, 1, 2, 3]))
  assert.ok((await stat(path)).size > size)
  const entries = new WalFile(path).read()
  assert.deepEqual(entries.map((e) => e.type), ['start', 'vote'])
})

test('reset empties the log', async (t) => {
  const wal = new WalFile(join(await tempDir(t), 'consensus.wal'))
  wal.append({ type: 'start', now: 1, height: 2, lastCommit: null })
  wal.reset()
  assert.deepEqual(wal.read(), [])
})

test('the signer state on disk survives a restart and refuses a conflicting vote', async (t) => {
  const path = join(await tempDir(t), 'signer-state.cbor')
  const body = { network, shard: 0, height: 9, round: 1, type: VoteType.Precommit, block: cidOf({ b: 1 }), validator: V[0].did }
  const first = createPrivValidator(V[0], fileSignerStore(path)).signVote(body)
  assert.equal((await stat(path)).mode & 0o777, 0o600)

  // A "restarted" validator: a new signer over the same file.
  const restarted = createPrivValidator(V[0], fileSignerStore(path))
  assert.deepEqual(restarted.signVote(body).signature, first.signature, 'the identical vote is re-signed')
  assert.throws(() => restarted.signVote({ ...body, block: cidOf({ b: 2 }) }), (err: unknown) => err instanceof SignerError && err.code === 'DOUBLE_SIGN')
  assert.throws(() => restarted.signVote({ ...body, round: 0 }), (err: unknown) => err instanceof SignerError && err.code === 'SIGN_REGRESSION')
})

test('an unreadable signer state refuses to load instead of signing from scratch', async (t) => {
  const path = join(await tempDir(t), 'signer-state.cbor')
  await appendFile(path, 'garbage')
  assert.throws(() => fileSignerStore(path).load(), (err: unknown) => err instanceof ConsensusServiceError && err.code === 'SIGNER_STATE')
})
