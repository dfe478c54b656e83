import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { LONG_RUNNING_COMMANDS, MALLOC_ARENA_MAX, NODE_FLAGS, defaultCompileCacheDir, missingNodeFlags, nodeRuntimeEnv, runsNode } from '../../src/runtime/index.ts'

async function runNode (args: string[], env: Record<string, string | undefined> = process.env): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s })
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
    child.on('close', (code) => { resolve({ code, stdout, stderr }) })
  })
}

test('missingNodeFlags: every flag when none is given; a flag the user gave, with any value or spelling, is left out', () => {
  assert.deepEqual(missingNodeFlags([]), [...NODE_FLAGS])
  assert.deepEqual(missingNodeFlags([...NODE_FLAGS]), [])
  assert.deepEqual(missingNodeFlags([], NODE_FLAGS.join(' ')), [])
  assert.deepEqual(missingNodeFlags(['--inspect', '--max-semi-space-size=16']), NODE_FLAGS.filter((f) => !f.startsWith('--max-semi-space-size')))
  assert.deepEqual(missingNodeFlags([], '--import=x.mjs  --max_semi_space_size=1 --v8-pool-size=8'), [])
  assert.deepEqual(missingNodeFlags(['--max-semi-space-size-x=1']), [...NODE_FLAGS], 'a longer option name is another option')
})

test('runsNode: start, join and testnet run for long; testnet prepare, other commands, help and version do not', () => {
  for (const command of LONG_RUNNING_COMMANDS) assert.equal(runsNode([command]), true, command)
  assert.equal(runsNode(['start', '--home', '/tmp/x']), true)
  assert.equal(runsNode(['testnet', '--validators', '4']), true)
  assert.equal(runsNode(['testnet', 'prepare', '--dir', '/x']), false)
  for (const argv of [[], ['--version'], ['-h'], ['keys', 'generate'], ['tx', 'transfer'], ['load']]) assert.equal(runsNode(argv), false, argv.join(' '))
})

test('nodeRuntimeEnv: adds MALLOC_ARENA_MAX and the compile cache directory, keeps the caller\'s own values and everything else', () => {
  const env = nodeRuntimeEnv({ PATH: '/bin' })
  assert.deepEqual(env, { PATH: '/bin', MALLOC_ARENA_MAX, NODE_COMPILE_CACHE: defaultCompileCacheDir() })
  assert.deepEqual(nodeRuntimeEnv({ MALLOC_ARENA_MAX: '8', NODE_COMPILE_CACHE: '/c' }, '/other'), { MALLOC_ARENA_MAX: '8', NODE_COMPILE_CACHE: '/c' })
  assert.equal(nodeRuntimeEnv({}, '/cache').NODE_COMPILE_CACHE, '/cache')
})

test('NODE_FLAGS are accepted by this Node, on the command line and in NODE_OPTIONS, and bound the young generation', async () => {
  // short-lived garbage grows the young generation to its limit (64 MB on a large machine without the flag)
  const probe = "let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ a: i, b: 'x' + i }); if (keep.length > 20000) keep = [] }; " +
    "const s = require('node:v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space'); console.log(s.space_size)"
  const semi = Number(/^--max-semi-space-size=(\d+)$/.exec(NODE_FLAGS.find((f) => f.startsWith('--max-semi-space-size=')) ?? '')?.[1])
  assert.ok(semi > 0)
  const direct = await runNode([...NODE_FLAGS, '-e', probe])
  assert.equal(direct.code, 0, direct.stderr)
  assert.equal(direct.stderr, '', 'no warning about an unknown or ignored flag')
  assert.ok(Number(direct.stdout) <= 2 * semi * 1024 * 1024, `new space ${direct.stdout.trim()} bytes`)
  const viaEnv = await runNode(['-e', probe], { ...process.env, NODE_OPTIONS: NODE_FLAGS.join(' ') })
  assert.equal(viaEnv.code, 0, viaEnv.stderr)
  assert.ok(Number(viaEnv.stdout) <= 2 * semi * 1024 * 1024)
})
