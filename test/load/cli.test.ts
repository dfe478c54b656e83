/** `icn load` as a user runs it: bad flags and unusable inputs exit 2 and say which flag. */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../cli/helpers.ts'

describe('icn load', () => {
  test('--help describes the flags', async () => {
    const r = await runCli(['load', '--help'])
    assert.equal(r.code, 0)
    for (const flag of ['--api', '--testnet', '--key', '--rate', '--duration', '--accounts']) assert.match(r.stdout, new RegExp(flag))
  })

  test('a rate that is not a positive number is a usage error naming --rate', async () => {
    const r = await runCli(['load', '--rate', '0', '--key', 'a.key'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--rate/)
  })

  test('no sending accounts is a usage error', async () => {
    const r = await runCli(['load', '--api', 'http://127.0.0.1:9'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--key/)
  })

  test('a directory without a testnet is a usage error naming --testnet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'icn-load-cli-'))
    try {
      const r = await runCli(['load', '--testnet', dir])
      assert.equal(r.code, 2)
      assert.match(r.stderr, /--testnet/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
