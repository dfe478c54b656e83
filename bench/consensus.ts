/**
 * Consensus throughput: wall-clock heights per second of the deterministic simulator with honest
 * validators, empty blocks, no faults and no commit delay — the cost of the engine itself (message
 * intake, signatures, vote counting, commit certificates), not of any network.
 *
 *   npx node bench/consensus.ts        (or `npm run bench -- consensus`)
 */
import { runSimulation } from '../test/consensus/simulator/simulation.ts'
import { scenarioFor } from '../test/consensus/simulator/scenario.ts'

/** Heights to finalize per validator count: enough to be steady, few enough to stay under a minute. */
const SIZES: Array<[validators: number, heights: number]> = [[4, 1000], [16, 200], [64, 30]]

export async function run (): Promise<Record<string, number>> {
  const figures: Record<string, number> = {}
  for (const [validators, heights] of SIZES) {
    const scenario = { ...scenarioFor(1, { validators, faults: false, byzantine: 0 }), commitDelayMs: 0, txs: false, quietPhaseMs: 10_000_000 }
    runSimulation(1, { scenario, untilHeight: 3 }) // warm-up: JIT and key derivation
    const t0 = performance.now()
    const r = runSimulation(1, { scenario, untilHeight: heights })
    const seconds = (performance.now() - t0) / 1000
    if (r.violations.length > 0) throw new Error(`benchmark run violated ${r.violations[0]!.kind}`)
    figures[`heightsPerSec_${validators}v`] = round(r.stats.height / seconds)
    figures[`messagesPerSec_${validators}v`] = Math.round(r.stats.messages / seconds)
    figures[`simulatedMsPerHeight_${validators}v`] = round(r.stats.simulatedMs / r.stats.height)
  }
  return figures
}

function round (x: number): number {
  return Math.round(x * 100) / 100
}

if (import.meta.main) {
  const figures = await run()
  console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value })))
}
