/**
 * Runs the consensus simulator over many seeds and prints every failing seed with the command that
 * replays it.
 *
 *   npm run sim -- --seeds 10000 [--start S] [--validators N] [--byzantine K] [--jobs J] [--no-faults]
 *   npm run sim -- --seed S --trace        replay one seed, printing its event trace
 *
 * Exits 1 when any seed violates safety or liveness. With --byzantine at or above 1/3 of the power
 * (e.g. --validators 4 --byzantine 2) violations are expected: that is the checker's negative control.
 */
import { parseArgs } from 'node:util'
import { availableParallelism } from 'node:os'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { runSimulation, type SimOptions, type SimResult } from './simulation.ts'

interface Summary { seed: number, validators: number, byzantine: number, height: number, maxRound: number, maxStallMs: number, evidence: number, violations: SimResult['violations'] }

function summarize (r: SimResult): Summary {
  return { seed: r.seed, validators: r.scenario.validators, byzantine: r.scenario.byzantine.length, height: r.stats.height, maxRound: r.stats.maxRound, maxStallMs: r.stats.maxStallMs, evidence: r.stats.evidence, violations: r.violations }
}

function options (v: Record<string, string | boolean | undefined>): SimOptions {
  return {
    ...(v.validators !== undefined ? { validators: Number(v.validators) } : {}),
    ...(v.byzantine !== undefined ? { byzantine: Number(v.byzantine) } : {}),
    ...(v['no-faults'] === true ? { faults: false } : {})
  }
}

function replayCommand (seed: number, v: Record<string, string | boolean | undefined>): string {
  const extra = ['validators', 'byzantine'].filter((k) => v[k] !== undefined).map((k) => ` --${k} ${String(v[k])}`).join('')
  return `npm run sim -- --seed ${seed}${extra}${v['no-faults'] === true ? ' --no-faults' : ''} --trace`
}

if (!isMainThread) {
  const { seeds, values } = workerData as { seeds: number[], values: Record<string, string | boolean | undefined> }
  for (const seed of seeds) parentPort!.postMessage(summarize(runSimulation(seed, options(values))))
} else {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '100' },
      start: { type: 'string', default: '0' },
      seed: { type: 'string' },
      validators: { type: 'string' },
      byzantine: { type: 'string' },
      jobs: { type: 'string' },
      trace: { type: 'boolean', default: false },
      'no-faults': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) {
    console.log('usage: npm run sim -- [--seeds N] [--start S] [--validators N] [--byzantine K] [--jobs J] [--no-faults]\n       npm run sim -- --seed S [--trace]')
    process.exit(0)
  }
  if (values.seed !== undefined) {
    const r = runSimulation(Number(values.seed), { ...options(values), trace: values.trace })
    if (values.trace) for (const line of r.trace) console.log(line)
    const { scenario, ...rest } = r
    console.log(JSON.stringify({ scenario: { ...scenario, params: undefined }, stats: rest.stats, traceHash: rest.traceHash, violations: rest.violations }, null, 2))
    process.exit(r.violations.length > 0 ? 1 : 0)
  }
  const count = Number(values.seeds)
  const start = Number(values.start)
  const jobs = Math.max(1, Math.min(Number(values.jobs ?? availableParallelism()), count))
  const seeds = Array.from({ length: count }, (_, i) => start + i)
  const t0 = performance.now()
  const results: Summary[] = []
  const failures: Summary[] = []
  const report = (s: Summary): void => {
    results.push(s)
    if (s.violations.length > 0) {
      failures.push(s)
      console.log(`FAIL seed ${s.seed} (validators ${s.validators}, byzantine ${s.byzantine}): ${s.violations.map((v) => `${v.kind} at ${v.at} ms: ${v.detail}`).join('; ')}\n  replay: ${replayCommand(s.seed, values)}`)
    }
    if (results.length % 500 === 0) console.log(`… ${results.length}/${count} seeds, ${failures.length} failing, ${((performance.now() - t0) / 1000).toFixed(0)} s`)
  }
  await Promise.all(Array.from({ length: jobs }, async (_, j) => {
    const mine = seeds.filter((_, i) => i % jobs === j)
    const worker = new Worker(new URL(import.meta.url), { workerData: { seeds: mine, values } })
    worker.on('message', report)
    await new Promise<void>((resolve, reject) => {
      worker.on('error', reject)
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))))
    })
  }))
  const heights = results.reduce((a, s) => a + s.height, 0)
  const worstStall = results.reduce((a, s) => (s.maxStallMs > a.maxStallMs ? s : a), results[0]!)
  console.log(`${count} seeds from ${start} in ${((performance.now() - t0) / 1000).toFixed(1)} s with ${jobs} jobs: ${failures.length} failing; ` +
    `${heights} heights finalized (${(heights / count).toFixed(1)} per run), max round ${Math.max(...results.map((s) => s.maxRound))}, ` +
    `longest stall under quorum ${worstStall.maxStallMs} ms (seed ${worstStall.seed}), evidence reports ${results.reduce((a, s) => a + s.evidence, 0)}`)
  process.exit(failures.length > 0 ? 1 : 0)
}
