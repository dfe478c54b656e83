/**
 * Keeps the deterministic core deterministic (STYLE 1): no clock, timers, randomness or I/O in the
 * codec, ledger and consensus, and no import from an adapter. A grep is crude but it cannot be
 * forgotten, and it fails loudly the day someone reaches for Date.now in a state transition.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

const ROOT = new URL('..', import.meta.url).pathname
const CORE = ['src/codec', 'src/ledger', 'src/consensus']
/** Files of the identity module that legitimately touch the OS (key generation and key files). */
const IDENTITY_ADAPTER_FILES = new Set(['src/identity/keyfile.ts', 'src/identity/keypair.ts'])

const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'Date.now (block time is an input)'],
  [/\bnew Date\s*\(/, 'new Date (block time is an input)'],
  [/\bperformance\.now\s*\(/, 'performance.now'],
  [/\bsetTimeout\s*\(|\bsetInterval\s*\(|\bsetImmediate\s*\(/, 'timers (timeouts are outputs of the engine)'],
  [/\bMath\.random\s*\(/, 'Math.random (randomness is a seed input)'],
  [/\brandomBytes\s*\(|\bgetRandomValues\s*\(/, 'OS randomness'],
  [/\bMath\.(exp|pow|log|sqrt)\s*\(/, 'floating-point maths in consensus state (use fixed point)'],
  [/from\s+['"]node:(fs|net|http|https|dgram|child_process|timers)[^'"]*['"]/, 'I/O modules'],
  [/from\s+['"](level|classic-level|memory-level|libp2p|@libp2p\/tcp|fastify|pino)['"]/, 'adapter libraries'],
  [/from\s+['"]\.\.\/(\.\.\/)*(network|storage|api|cli|node|config|log)\//, 'imports from an adapter']
]

async function tsFiles (dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true }).catch(() => [])
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
}

test('the deterministic core uses no clock, timer, randomness, I/O or adapter', async () => {
  const files = [...(await Promise.all(CORE.map(tsFiles))).flat(), ...(await tsFiles('src/identity')).filter((f) => !IDENTITY_ADAPTER_FILES.has(f))]
  assert.ok(files.length > 5, 'the core has files to check')
  const violations: string[] = []
  for (const file of files) {
    const lines = (await readFile(join(ROOT, file), 'utf8')).split('\n')
    lines.forEach((line, i) => {
      if (/^\s*(\*|\/\/)/.test(line)) return
      for (const [pattern, why] of FORBIDDEN) {
        if (pattern.test(line)) violations.push(`${file}:${i + 1}: ${why}: ${line.trim()}`)
      }
    })
  }
  assert.deepEqual(violations, [])
})
