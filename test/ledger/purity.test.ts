import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = new URL('../../src/ledger/', import.meta.url).pathname

function files (dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    // The mempool is its own module with its own rules.
    if (name === 'mempool') return []
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

const FORBIDDEN: Array<[RegExp, string]> = [
  [/Date\.now|new Date\(/, 'wall-clock time'],
  [/performance\.now|process\.hrtime/, 'a timer'],
  [/setTimeout|setInterval|setImmediate/, 'timers'],
  [/Math\.random|randomBytes|randomUUID|getRandomValues/, 'randomness'],
  [/Math\.(exp|pow|log|sqrt|fround)\b/, 'floating-point math in consensus state'],
  [/from ['"](node:)?(fs|net|http|https|dgram|child_process|worker_threads)(\/promises)?['"]/, 'I/O'],
  [/from ['"](level|memory-level|libp2p|fastify)['"]/, 'an adapter dependency'],
  [/from ['"]\.\.\/+(\.\.\/)*(network|storage|api|cli|node|config)\//, 'an adapter module']
]

test('the ledger core has no clock, no randomness, no I/O and no float math', () => {
  const sources = files(ROOT)
  assert.ok(sources.length > 20)
  for (const path of sources) {
    const text = readFileSync(path, 'utf8')
    for (const [pattern, what] of FORBIDDEN) {
      assert.equal(pattern.test(text), false, `${path.slice(ROOT.length)} uses ${what} (${pattern})`)
    }
  }
})
