/**
 * The seeded simulation (STYLE 14): a few hundred seeds of faults — loss, duplication, reordering,
 * partitions, crashes with WAL restore, clock drift, equivocating validators below 1/3 — must keep
 * safety and liveness; a run replays exactly from its seed; and the checker must catch a fork with 1/3
 * or more byzantine power, and double-signs when restarts forget their WAL (negative controls).
 * More seeds: `npm run sim -- --seeds 10000`.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { runSimulation, type SimResult } from './simulation.ts'

const SEEDS = Number(process.env.ICN_SIM_SEEDS ?? 200)

function failures (results: SimResult[]): string[] {
  return results.filter((r) => r.violations.length > 0)
    .map((r) => `seed ${r.seed}: ${r.violations.map((v) => `${v.kind}: ${v.detail}`).join('; ')} — replay: npm run sim -- --seed ${r.seed} --trace`)
}

describe('consensus simulation', () => {
  it(`keeps safety and liveness over ${SEEDS} seeds of faults`, () => {
    const results = Array.from({ length: SEEDS }, (_, seed) => runSimulation(seed))
    assert.deepEqual(failures(results), [])
    // The faults really happened, and the chain really moved.
    const sum = (f: (r: SimResult) => number): number => results.reduce((a, r) => a + f(r), 0)
    assert.ok(results.some((r) => r.scenario.byzantine.length > 0), 'some runs have byzantine validators')
    assert.ok(sum((r) => r.stats.partitions) > SEEDS / 2, 'partitions formed and healed')
    assert.ok(sum((r) => r.stats.crashes) > SEEDS / 2, 'nodes crashed')
    assert.ok(sum((r) => r.stats.restores) > SEEDS / 10, 'restarts restored unfinished heights from the WAL')
    assert.ok(sum((r) => r.stats.syncRequests) > 0, 'lagging nodes synced')
    assert.ok(sum((r) => r.stats.evidence) > 0, 'equivocation was reported')
    assert.ok(sum((r) => r.stats.attacks) > 0, 'byzantine proposers split the honest nodes')
    assert.ok(results.every((r) => r.stats.height >= 5), 'every run finalized blocks')
  })

  it('replays a seed exactly: same seed, same trace hash; another seed, another run', () => {
    const a = runSimulation(7, { trace: true })
    const b = runSimulation(7, { trace: true })
    assert.equal(a.traceHash, b.traceHash)
    assert.deepEqual(a.trace, b.trace)
    assert.ok(a.trace.length > 100)
    assert.notEqual(runSimulation(8).traceHash, a.traceHash)
  })

  it('without faults every node finalizes every height, nearly always in round 0', () => {
    const r = runSimulation(3, { faults: false, validators: 7 })
    assert.deepEqual(r.violations, [])
    assert.ok(r.stats.height >= 20)
    assert.ok(r.stats.maxRound <= 1)
    // Every node finalized every height but possibly the one in flight when the run ended.
    assert.ok(r.stats.finalizations >= 7 * (r.stats.height - 1), `${r.stats.finalizations} finalizations for ${r.stats.height} heights`)
  })

  it('negative control: with 1/3 or more of the power byzantine the checker catches forks', () => {
    const results = Array.from({ length: 20 }, (_, i) => runSimulation(i, { validators: 4, byzantine: 2 }))
    const forks = results.filter((r) => r.violations.some((v) => v.kind === 'conflicting-finalization'))
    assert.ok(forks.length >= 5, `only ${forks.length} of 20 seeds forked`)
    const seven = Array.from({ length: 20 }, (_, i) => runSimulation(100 + i, { validators: 7, byzantine: 3 }))
    assert.ok(seven.some((r) => r.violations.some((v) => v.kind === 'conflicting-finalization')), 'a 3-of-7 byzantine set forks some run')
  })

  it('negative control: restarts that lose the WAL and signer state double-sign', () => {
    const results = Array.from({ length: 10 }, (_, seed) => runSimulation(seed, { amnesia: true }))
    assert.ok(results.some((r) => r.violations.some((v) => v.kind === 'double-sign')))
  })
})
