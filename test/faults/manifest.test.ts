/**
 * Manifests: every example in scripts/faults parses; durations and conditions have their documented
 * forms; defaults are applied; and each class of bad input is refused with BAD_MANIFEST naming the
 * field, as a dotted path.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, writeFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  FaultsError, parseCondition, parseDuration, parseManifest, readManifestFile, DEFAULT_RUN_TIMEOUT_MS, DEFAULT_STEP_TIMEOUT_MS
} from '../../src/faults/index.ts'

const EXAMPLES = new URL('../../scripts/faults/', import.meta.url).pathname

function refusal (value: unknown): FaultsError {
  try {
    parseManifest(value)
  } catch (err) {
    assert.ok(err instanceof FaultsError, String(err))
    assert.equal(err.code, 'BAD_MANIFEST')
    return err
  }
  assert.fail('the manifest was accepted')
}

const wait = { action: 'wait', for: 'height>=3' }

describe('examples', () => {
  test('every manifest in scripts/faults parses, named after its file', async () => {
    const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.json')).sort()
    for (const required of ['partition-2-2', 'partition-3-1', 'kill-restart', 'pause-resume', 'late-join', 'equivocation', 'kill-and-partition']) {
      assert.ok(files.includes(`${required}.json`), `scripts/faults/${required}.json exists`)
    }
    for (const file of files) {
      const m = await readManifestFile(join(EXAMPLES, file))
      assert.equal(m.name, file.replace(/\.json$/, ''))
      assert.ok(m.steps.length > 0)
    }
  })

  test('the 2/2 example says what it does', async () => {
    const m = await readManifestFile(join(EXAMPLES, 'partition-2-2.json'))
    assert.equal(m.validators, 4)
    const [split, heal, wait] = m.steps
    assert.deepEqual(split?.action === 'partition' && split.groups, [[0, 1], [2, 3]])
    assert.deepEqual(split?.at, { kind: 'height', scope: 'head', height: 3, relative: false, text: 'height>=3' })
    assert.equal(heal?.afterMs, 5000)
    assert.deepEqual(wait?.action === 'wait' && wait.for, { kind: 'height', scope: 'all', height: 3, relative: true, text: 'all.height>=+3' })
    assert.equal(wait?.timeoutMs, 45_000)
  })
})

describe('forms and defaults', () => {
  test('durations', () => {
    assert.equal(parseDuration(250), 250)
    assert.equal(parseDuration('500ms'), 500)
    assert.equal(parseDuration('5s'), 5000)
    assert.equal(parseDuration('1.5s'), 1500)
    assert.equal(parseDuration('2m'), 120_000)
    for (const bad of ['5', '5h', '-1s', 's', '']) assert.equal(parseDuration(bad), undefined, bad)
    assert.equal(parseDuration(-1), undefined)
    assert.equal(parseDuration(1.5), undefined)
  })

  test('conditions', () => {
    assert.deepEqual(parseCondition('height >= 10'), { kind: 'height', scope: 'head', height: 10, relative: false, text: 'height>=10' })
    assert.deepEqual(parseCondition('node2.height>=+4'), { kind: 'height', scope: { node: 2 }, height: 4, relative: true, text: 'node2.height>=+4' })
    assert.deepEqual(parseCondition('node3.sanctioned'), { kind: 'sanctioned', node: 3, text: 'node3.sanctioned' })
    for (const bad of ['height>10', 'any.height>=1', 'height>=x', 'node.sanctioned', 'height<=3']) assert.equal(parseCondition(bad), undefined, bad)
  })

  test('defaults: name, timeouts, kill signal, distinct equivocators and sanctions, node count', () => {
    const m = parseManifest({
      validators: 4,
      equivocators: [3, 3],
      steps: [{ action: 'kill', node: 1 }, { action: 'restart', node: 1 }, { action: 'join', node: 4 }, wait],
      expect: { sanctioned: [3, 3] }
    })
    assert.equal(m.name, 'scenario')
    assert.equal(m.timeoutMs, DEFAULT_RUN_TIMEOUT_MS)
    assert.ok(m.steps.every((s) => s.timeoutMs === DEFAULT_STEP_TIMEOUT_MS))
    assert.deepEqual(m.steps[0], { action: 'kill', node: 1, signal: 'SIGKILL', afterMs: undefined, at: undefined, timeoutMs: DEFAULT_STEP_TIMEOUT_MS, note: undefined })
    assert.deepEqual(m.equivocators, [3])
    assert.deepEqual(m.expect.sanctioned, [3])
    assert.equal(m.nodes, 5)
  })
})

describe('refusals name the field', () => {
  const cases: Array<[string, unknown, string]> = [
    ['not an object', 'partition', 'manifest'],
    ['no validators', { steps: [wait] }, 'validators'],
    ['no validators at all', { validators: 0, steps: [wait] }, 'validators'],
    ['an unknown key', { validators: 4, steps: [wait], bogus: 1 }, 'bogus'],
    ['no steps', { validators: 4, steps: [] }, 'steps'],
    ['an unknown action', { validators: 4, steps: [{ action: 'explode' }] }, 'steps.0.action'],
    ['an unknown step key', { validators: 4, steps: [{ ...wait, colour: 'red' }] }, 'steps.0.colour'],
    ['a bad duration', { validators: 4, steps: [wait, { action: 'heal', after: 'soon' }] }, 'steps.1.after'],
    ['a bad timeout', { validators: 4, steps: [{ ...wait, timeout: true }] }, 'steps.0.timeout'],
    ['a bad condition', { validators: 4, steps: [{ action: 'heal', at: 'height > 3' }] }, 'steps.0.at'],
    ['a wait without a condition', { validators: 4, steps: [{ action: 'wait' }] }, 'steps.0.for'],
    ['a partition of one group', { validators: 4, steps: [{ action: 'partition', groups: [[0, 1, 2, 3]] }] }, 'steps.0.groups'],
    ['an empty group', { validators: 4, steps: [{ action: 'partition', groups: [[0, 1], []] }] }, 'steps.0.groups.1'],
    ['a node in two groups', { validators: 4, steps: [{ action: 'partition', groups: [[0, 1], [1, 2]] }] }, 'steps.0.groups.1.0'],
    ['a node that does not exist', { validators: 4, steps: [{ action: 'kill', node: 7 }] }, 'steps.0.node'],
    ['a node index that is not whole', { validators: 4, steps: [{ action: 'kill', node: 1.5 }] }, 'steps.0.node'],
    ['a node killed twice', { validators: 4, steps: [{ action: 'kill', node: 1 }, { action: 'kill', node: 1 }] }, 'steps.1.node'],
    ['a resume of a running node', { validators: 4, steps: [{ action: 'resume', node: 1 }] }, 'steps.0.node'],
    ['a restart of a paused node', { validators: 4, steps: [{ action: 'pause', node: 1 }, { action: 'restart', node: 1 }] }, 'steps.1.node'],
    ['a join out of order', { validators: 4, steps: [{ action: 'join', node: 5 }] }, 'steps.0.node'],
    ['a condition on a node not joined yet', { validators: 4, steps: [{ action: 'wait', for: 'node4.height>=2' }] }, 'steps.0.for'],
    ['a bad kill signal', { validators: 4, steps: [{ action: 'kill', node: 1, signal: 'SIGHUP' }] }, 'steps.0.signal'],
    ['a bad consensus parameter', { validators: 4, consensus: { timeoutProposeMs: 0 }, steps: [wait] }, 'consensus.timeoutProposeMs'],
    ['an unknown consensus parameter', { validators: 4, consensus: { timeoutMs: 5 }, steps: [wait] }, 'consensus.timeoutMs'],
    ['an equivocator that is not a validator', { validators: 4, equivocators: [4], steps: [wait] }, 'equivocators.0'],
    ['a sanction expected of a non-validator', { validators: 4, steps: [wait], expect: { sanctioned: [9] } }, 'expect.sanctioned.0'],
    ['an unknown expectation', { validators: 4, steps: [wait], expect: { liveness: { maxRecovery: 5 } } }, 'expect.liveness.maxRecovery'],
    ['a bad checker setting', { validators: 4, steps: [wait], checker: { pollMs: 0 } }, 'checker.pollMs']
  ]
  for (const [what, value, field] of cases) {
    test(what, () => {
      const err = refusal(value)
      assert.equal(err.field, field)
      assert.ok(err.message.startsWith(`${field}: `), err.message)
    })
  }

  test('a file that is not JSON names the file', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'icn-faults-manifest-'))
    t.after(async () => { await rm(dir, { recursive: true, force: true }) })
    const file = join(dir, 'broken.json')
    await writeFile(file, '{ "validators": 4,')
    await assert.rejects(readManifestFile(file), (err) => err instanceof FaultsError && err.code === 'BAD_MANIFEST' && err.field === 'manifest' && err.message.includes(file))
    await writeFile(file, JSON.stringify({ validators: 4, steps: [{ action: 'kill', node: 9 }] }))
    await assert.rejects(readManifestFile(file), (err) => err instanceof FaultsError && err.field === 'steps.0.node' && err.message.startsWith(`${file}: steps.0.node: `))
  })
})
