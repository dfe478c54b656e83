// CPU profiles of running nodes, for the benchmark experiments in docs/benchmarks.md. Node refuses
// --cpu-prof in NODE_OPTIONS, so this module (given as NODE_OPTIONS=--import=<this file>, which the
// testnet's nodes inherit) samples through the inspector instead: in every `icn start` process it
// starts the profiler PROF_START_MS after start-up (default 15 s) and writes
// <PROF_DIR>/<pid>.cpuprofile PROF_MS later (default 12 s). Open the files in Chrome DevTools or
// summarise them with profile-summary.mjs.
import { Session } from 'node:inspector/promises'
import { mkdirSync, writeFileSync } from 'node:fs'

const startMs = Number(process.env.PROF_START_MS ?? 15_000)
const durationMs = Number(process.env.PROF_MS ?? 12_000)
const dir = process.env.PROF_DIR ?? '/tmp/icn-prof'

if (process.argv.some((a) => a.endsWith('cli/main.ts')) && process.argv.includes('start')) {
  const session = new Session()
  session.connect()
  setTimeout(async () => {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 500 })
    await session.post('Profiler.start')
    setTimeout(async () => {
      const { profile } = await session.post('Profiler.stop')
      mkdirSync(dir, { recursive: true })
      writeFileSync(`${dir}/${process.pid}.cpuprofile`, JSON.stringify(profile))
    }, durationMs).unref()
  }, startMs).unref()
}
