import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, stat, writeFile, chmod, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadOrCreateKeyFile, readKeyFile } from '../../src/identity/keyfile.ts'
import { IdentityError } from '../../src/identity/index.ts'

const isKeyFileError = (err: unknown): boolean => err instanceof IdentityError && err.code === 'KEY_FILE'

test('a created key file is 0600 and loads back to the same DID', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icn-key-'))
  t.after(async () => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'node.key')
  const first = await loadOrCreateKeyFile(path, true)
  assert.equal(first.created, true)
  assert.equal((await stat(path)).mode & 0o777, 0o600)
  const second = await loadOrCreateKeyFile(path, true)
  assert.equal(second.created, false)
  assert.equal(second.keyPair.did, first.keyPair.did)
})

test('missing, malformed, tampered or world-readable key files are refused with KEY_FILE', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icn-key-'))
  t.after(async () => rm(dir, { recursive: true, force: true }))
  await assert.rejects(readKeyFile(join(dir, 'absent.key')), isKeyFileError)

  const notJson = join(dir, 'a.key')
  await writeFile(notJson, 'not json', { mode: 0o600 })
  await assert.rejects(readKeyFile(notJson), isKeyFileError)

  const { keyPair } = await loadOrCreateKeyFile(join(dir, 'ok.key'), true)
  const wrongDid = join(dir, 'b.key')
  await writeFile(wrongDid, JSON.stringify({ type: 'ed25519', seed: Buffer.alloc(32, 9).toString('base64'), did: keyPair.did }), { mode: 0o600 })
  await assert.rejects(readKeyFile(wrongDid), isKeyFileError)

  const open = join(dir, 'c.key')
  await writeFile(open, JSON.stringify({ type: 'ed25519', seed: Buffer.alloc(32, 9).toString('base64') }), { mode: 0o600 })
  await chmod(open, 0o644)
  await assert.rejects(readKeyFile(open), isKeyFileError)
})
