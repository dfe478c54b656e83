import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createLogger, formatPretty } from '../../src/log/index.ts'

test('json format: one object per line with level, time, message and fields; level filters', () => {
  const lines: string[] = []
  const log = createLogger({ level: 'info', destination: { write: (s) => lines.push(s) } })
  log.child({ module: 'api' }).info({ url: 'http://127.0.0.1:1' }, 'listening')
  log.debug('hidden')
  assert.equal(lines.length, 1)
  const record = JSON.parse(lines[0] ?? '')
  assert.equal(record.level, 30)
  assert.equal(record.msg, 'listening')
  assert.equal(record.module, 'api')
  assert.equal(record.url, 'http://127.0.0.1:1')
  assert.equal(typeof record.time, 'number')
})

test('pretty format: one readable line per record', () => {
  const lines: string[] = []
  const log = createLogger({ level: 'debug', format: 'pretty', destination: { write: (s) => lines.push(s) } })
  log.child({ module: 'node' }).warn({ peers: 3, note: 'two words' }, 'low peer count')
  log.debug({ err: new Error('bad thing') }, 'failed')
  assert.equal(lines.length, 2)
  assert.match(lines[0] ?? '', /^\d\d:\d\d:\d\d\.\d{3} WARN  \[node\] low peer count peers=3 note="two words"\n$/)
  assert.match(lines[1] ?? '', /DEBUG failed err="bad thing"\n$/)
  assert.doesNotMatch(lines[1] ?? '', /at /, 'no stack in the one-line form')
  assert.equal(formatPretty('not json'), 'not json')
})
