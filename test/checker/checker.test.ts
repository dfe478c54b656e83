/**
 * The checker against fake node views: agreement passes; two CIDs at one height, a changed block
 * (at the head or deep in history) and a finalized height that goes down each fail in the very poll
 * that sees them; lagging, stopped and silent nodes are tolerated; liveness durations follow the
 * (fake) clock.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Checker, CheckerError, SafetyViolation } from '../../src/checker/index.ts'
import { FakeClock, FakeNode, chainOf } from './fake-node.ts'

function nodes (count: number, height: number): FakeNode[] {
  return Array.from({ length: count }, (_, i) => new FakeNode(`node${i}`, chainOf(height + 1)))
}

function grow (all: FakeNode[], by = 1): void {
  for (const n of all) for (let k = 0; k < by; k++) n.chain.push(`bafy-main-${n.chain.length}`)
}

async function violationOf (p: Promise<unknown>): Promise<SafetyViolation> {
  try {
    await p
  } catch (err) {
    assert.ok(err instanceof SafetyViolation, `a SafetyViolation, got ${String(err)}`)
    return err
  }
  assert.fail('expected a safety violation')
}

describe('safety', () => {
  test('nodes that agree pass, and every height is compared', async () => {
    const all = nodes(4, 3)
    const checker = new Checker({ views: all })
    for (let round = 0; round < 5; round++) {
      await checker.pollAll()
      grow(all)
    }
    const report = await checker.stop()
    assert.equal(report.safe, true)
    assert.equal(report.violation, null)
    assert.equal(report.head, 7)
    assert.equal(report.heightsChecked, 8, 'heights 0 to 7')
    assert.equal(report.polls, 20)
  })

  test('two different blocks at one height fail in the poll that sees them, naming both nodes and CIDs', async () => {
    const all = nodes(4, 3)
    const checker = new Checker({ views: all })
    const heard: SafetyViolation[] = []
    checker.onViolation((v) => heard.push(v))
    await checker.pollAll()
    await checker.pollAll()
    all[2]!.chain.push('bafy-fork-4')
    all[0]!.chain.push('bafy-main-4')
    const v = await violationOf(checker.pollAll())
    assert.equal(v.code, 'CONFLICTING_FINALIZATION')
    assert.equal(v.detail.height, 4)
    assert.deepEqual(new Set(v.detail.nodes), new Set(['node0', 'node2']))
    assert.deepEqual(new Set(v.detail.cids), new Set(['bafy-main-4', 'bafy-fork-4']))
    assert.deepEqual(heard, [v], 'listeners hear it once')
    await assert.rejects(checker.failed, (err) => err === v)
    // the checker has stopped: later polls repeat the verdict
    await assert.rejects(checker.pollAll(), (err) => err === v)
    const report = await checker.stop()
    assert.equal(report.safe, false)
    assert.equal(report.violation?.code, 'CONFLICTING_FINALIZATION')
  })

  test('a conflict inside a jump of many heights is found by filling the gap', async () => {
    const a = new FakeNode('a', chainOf(11))
    const b = new FakeNode('b', chainOf(3))
    const checker = new Checker({ views: [a, b] })
    await checker.pollAll()
    b.chain = [...chainOf(5), 'bafy-fork-5', ...chainOf(11).slice(6)]
    const v = await violationOf(checker.pollAll())
    assert.equal(v.code, 'CONFLICTING_FINALIZATION')
    assert.equal(v.detail.height, 5)
  })

  test('a node whose finalized block at its head changes is a rollback', async () => {
    const [a] = nodes(1, 6)
    const checker = new Checker({ views: [a!] })
    await checker.pollAll()
    a!.chain[6] = 'bafy-other-6'
    const v = await violationOf(checker.pollAll())
    assert.equal(v.code, 'ROLLBACK')
    assert.deepEqual(v.detail.nodes, ['node0', 'node0'])
    assert.deepEqual(v.detail.cids, ['bafy-main-6', 'bafy-other-6'])
  })

  test('a block that changes deep in a node\'s history is found by re-reading history', async () => {
    const all = nodes(2, 10)
    const checker = new Checker({ views: all })
    await checker.pollAll()
    all[1]!.chain[2] = 'bafy-rewritten-2'
    let polls = 0
    const v = await violationOf((async () => {
      // one history height per poll per node: the round robin reaches height 2 within 11 polls
      for (; polls < 11; polls++) await checker.pollAll()
    })())
    assert.ok(polls < 11)
    assert.equal(v.code, 'ROLLBACK')
    assert.equal(v.detail.height, 2)
  })

  test('a finalized height that goes down is a rollback, even across a restart', async () => {
    const [a] = nodes(1, 8)
    const checker = new Checker({ views: [a!] })
    await checker.pollAll()
    a!.down = true
    await checker.pollAll()
    a!.down = false
    a!.chain = a!.chain.slice(0, 6)
    const v = await violationOf(checker.pollAll())
    assert.equal(v.code, 'HEIGHT_DECREASED')
    assert.equal(v.detail.previousHeight, 8)
    assert.equal(v.detail.height, 5)
  })

  test('lagging, stopped and silent nodes are no violation', async () => {
    const clock = new FakeClock()
    const all = nodes(4, 2)
    const checker = new Checker({ views: all, now: clock.now, lagBlocks: 2 })
    await checker.pollAll()
    all[1]!.down = true
    all[2]!.unreachable = true
    for (let i = 0; i < 6; i++) {
      clock.advance(1000)
      all[0]!.chain.push(`bafy-main-${all[0]!.chain.length}`)
      if (i % 3 === 0) all[3]!.chain.push(`bafy-main-${all[3]!.chain.length}`)
      await checker.pollAll()
    }
    // node3 catches up
    all[3]!.chain = chainOf(all[0]!.chain.length)
    clock.advance(500)
    await checker.pollAll()
    const report = await checker.stop()
    assert.equal(report.safe, true)
    const byName = new Map(report.nodes.map((n) => [n.name, n]))
    assert.equal(byName.get('node1')?.down, 7)
    assert.equal(byName.get('node2')?.unreachable, 7)
    const lag = report.lags.find((l) => l.node === 'node3')
    assert.ok(lag !== undefined, 'node3 lagged')
    assert.ok(lag.durationMs !== null && lag.durationMs > 0, 'and was back later')
    assert.equal(lag.startMs + lag.durationMs, 6500, 'back at the poll that saw it within 2 blocks')
  })
})

describe('liveness', () => {
  test('recovery and catch-up after heal and restart follow the clock', async () => {
    const clock = new FakeClock()
    const all = nodes(3, 5)
    const checker = new Checker({ views: all, now: clock.now })
    await checker.pollAll()
    clock.advance(1000)
    checker.mark('partition', all.map((n) => n.name))
    clock.advance(4000)
    const heal = checker.mark('heal', all.map((n) => n.name))
    assert.equal(heal.headAtEvent, 5)
    clock.advance(1500)
    await checker.pollAll()
    clock.advance(500)
    grow(all)
    await checker.pollAll()

    all[2]!.down = true
    clock.advance(1000)
    grow(all.slice(0, 2), 2)
    await checker.pollAll()
    all[2]!.down = false
    checker.mark('restart', ['node2'])
    clock.advance(2000)
    grow(all.slice(0, 2))
    await checker.pollAll()
    clock.advance(3000)
    all[2]!.chain = chainOf(9)
    await checker.pollAll()

    const report = await checker.stop()
    const [, healed, restarted] = report.events
    assert.equal(healed?.kind, 'heal')
    assert.equal(healed?.recoveryMs, 2000)
    assert.deepEqual(healed?.catchUp.map((c) => c.ms), [0, 0, 0], 'nobody was behind at the heal')
    assert.equal(restarted?.kind, 'restart')
    assert.equal(restarted?.headAtEvent, 8)
    assert.equal(restarted?.recoveryMs, 2000)
    assert.deepEqual(restarted?.catchUp, [{ node: 'node2', ms: 5000 }], 'node2 reached height 8 five seconds after its restart')
    assert.equal(report.maxStallMs, 7000, 'from the first poll to the first block after the heal')
  })

  test('an event that is never followed by a block reports no recovery', async () => {
    const clock = new FakeClock()
    const all = nodes(2, 3)
    const checker = new Checker({ views: all, now: clock.now })
    await checker.pollAll()
    checker.mark('heal', ['node0', 'node1'])
    clock.advance(10_000)
    await checker.pollAll()
    const report = await checker.stop()
    assert.equal(report.events[0]?.recoveryMs, null)
    assert.equal(report.maxStallMs, 10_000)
  })
})

describe('polling', () => {
  test('the running checker reads every node again and again until stopped', async () => {
    const all = nodes(3, 2)
    const checker = new Checker({ views: all, pollMs: 5 })
    checker.start()
    await checker.waitFor(() => all.every((n) => n.statusReads >= 5), { timeout: 10_000, what: 'five reads of every node' })
    grow(all, 3)
    await checker.waitFor(() => checker.head === 5, { timeout: 10_000, what: 'head 5' })
    const report = await checker.stop()
    assert.equal(report.safe, true)
    assert.ok(report.polls >= 15)
  })

  test('a late node is watched from when it is added', async () => {
    const all = nodes(2, 2)
    const checker = new Checker({ views: all, pollMs: 5 })
    checker.start()
    const late = new FakeNode('late', chainOf(3))
    checker.add(late)
    assert.throws(() => { checker.add(late) }, (err) => err instanceof CheckerError && err.code === 'DUPLICATE_NODE')
    await checker.waitFor(() => checker.finalizedHeight('late') === 2, { timeout: 10_000 })
    await checker.stop()
  })

  test('waitFor times out with a code, and rejects with the violation when one is found', async () => {
    const all = nodes(2, 2)
    const checker = new Checker({ views: all, pollMs: 5 })
    checker.start()
    await assert.rejects(checker.waitFor(() => false, { timeout: 50, what: 'never' }), (err) => err instanceof CheckerError && err.code === 'TIMEOUT')
    const waiting = checker.waitFor(() => false, { timeout: 60_000 })
    all[1]!.chain.push('bafy-fork-3')
    all[0]!.chain.push('bafy-main-3')
    const v = await violationOf(waiting)
    assert.equal(v.code, 'CONFLICTING_FINALIZATION')
    await checker.stop()
  })
})
