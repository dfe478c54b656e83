import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startAll, stopAll, type Component } from '../../src/node/lifecycle.ts'
import { silentLogger } from '../../src/log/index.ts'

function recorder (events: string[], failStart?: string, failStop?: string): (name: string) => Component {
  return (name) => ({
    name,
    start: async () => {
      events.push(`start ${name}`)
      if (name === failStart) throw new Error(`${name} cannot start`)
    },
    stop: async () => {
      events.push(`stop ${name}`)
      if (name === failStop) throw new Error(`${name} cannot stop`)
    }
  })
}

test('components start in order and stop in reverse', async () => {
  const events: string[] = []
  const make = recorder(events)
  const components = ['store', 'network', 'api'].map(make)
  await startAll(components, silentLogger())
  await stopAll(components, silentLogger())
  assert.deepEqual(events, ['start store', 'start network', 'start api', 'stop api', 'stop network', 'stop store'])
})

test('a failed start stops the failed component and those before it, then rethrows', async () => {
  const events: string[] = []
  const make = recorder(events, 'network')
  await assert.rejects(startAll(['store', 'network', 'api'].map(make), silentLogger()), /network cannot start/)
  assert.deepEqual(events, ['start store', 'start network', 'stop network', 'stop store'])
})

test('stopAll stops every component even when one fails, and reports the first failure', async () => {
  const events: string[] = []
  const make = recorder(events, undefined, 'api')
  await assert.rejects(stopAll(['store', 'network', 'api'].map(make), silentLogger()), /api cannot stop/)
  assert.deepEqual(events, ['stop api', 'stop network', 'stop store'])
})
