/** Expectations against a checker report: liveness bounds, never-recovered events, height, sanctions. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { CheckerReport, LivenessEvent } from '../../src/checker/index.ts'
import { checkExpectations } from '../../src/faults/index.ts'

function report (events: LivenessEvent[], head = 10): CheckerReport {
  return { safe: true, violation: null, durationMs: 1, polls: 1, blocksRead: 1, heightsChecked: head + 1, head, nodes: [], events, lags: [], maxStallMs: 0 }
}

const event = (kind: LivenessEvent['kind'], recoveryMs: number | null, catchUp: Array<number | null> = []): LivenessEvent =>
  ({ kind, nodes: [], atMs: 1000, headAtEvent: 5, recoveryMs, catchUp: catchUp.map((ms, i) => ({ node: `node${i}`, ms })) })

const none = { maxRecoveryMs: undefined, maxCatchUpMs: undefined, minHeight: undefined, sanctioned: [] }

test('safety is always expected', () => {
  assert.deepEqual(checkExpectations(none, report([]), new Map()).map((e) => [e.name, e.ok]), [['safety', true]])
  const unsafe = { ...report([]), safe: false }
  assert.equal(checkExpectations(none, unsafe, new Map())[0]?.ok, false)
})

test('liveness bounds hold only if every recovery event met them; a recovery that never came fails', () => {
  const events = [event('partition', null), event('heal', 2000, [0, 1500]), event('restart', 4000, [3000])]
  const within = checkExpectations({ ...none, maxRecoveryMs: 5000, maxCatchUpMs: 3000 }, report(events), new Map())
  assert.deepEqual(within.map((e) => e.ok), [true, true, true], 'the partition itself is not a recovery')
  const tight = checkExpectations({ ...none, maxRecoveryMs: 3000, maxCatchUpMs: 2000 }, report(events), new Map())
  assert.deepEqual(tight.map((e) => e.ok), [true, false, false])
  assert.match(tight[1]?.detail ?? '', /restart/)
  const never = checkExpectations({ ...none, maxRecoveryMs: 60_000, maxCatchUpMs: 60_000 }, report([event('resume', null, [null])]), new Map())
  assert.deepEqual(never.map((e) => e.ok), [true, false, false])
})

test('height and sanctions', () => {
  const results = checkExpectations({ ...none, minHeight: 11, sanctioned: [3, 2] }, report([], 10), new Map([[3, true], [2, false]]))
  assert.deepEqual(results.map((e) => [e.name, e.ok]), [['safety', true], ['minHeight', false], ['sanctioned.node3', true], ['sanctioned.node2', false]])
})
