/**
 * Network benchmarks: real `icn start` processes on 127.0.0.1 (src/testnet), loaded by the load
 * generator (src/load) through their HTTP APIs. What each figure means and how it is measured:
 * docs/benchmarks.md.
 *
 *   npm run bench -- network          (about 5 minutes; writes bench/results.json)
 *   npx node bench/network.ts         (prints the figures only)
 *
 * Per validator count (4, 8, 16) a fresh testnet idles (block interval, CPU), then runs a saturation
 * ladder (see `ladder`): offered rates doubling from a floor, each held for STEP[validators].ms.
 * Saturation is the highest finalized rate any step measured. The 4-validator testnet also gives
 * the idle RSS, and after its ladder a fresh node joins and catches up; a second 4-validator testnet
 * then runs at half the saturation rate for the latency and loaded-RSS figures.
 *
 * Environment: BENCH_NETWORK_SIZES=4,8 limits the validator counts; BENCH_NETWORK_VARIANT=name
 * prefixes every figure with `name.` (for runs of a modified node, e.g. through NODE_OPTIONS).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readKeyFile } from '../src/identity/keyfile.ts'
import type { KeyPair } from '../src/identity/index.ts'
import { benchEconomics, runLoad, summarize, type LoadReport } from '../src/load/index.ts'
import { createSupervisor, leasePortBlock, prepareTestnet, type PreparedTestnet, type Supervisor } from '../src/testnet/index.ts'

const MEMBERS = 256
/** Transfers each member may send over a testnet's life before its mana runs out (see benchEconomics). */
const TRANSFERS_PER_MEMBER = 100_000
const IDLE_MS = 12_000
const SCALED_IDLE_MS = 8_000
/**
 * Ladder step length and warm-up (excluded from the window) per validator count: the warm-up must
 * cover the finalization latency, or the window starts before the pipeline is full and undercounts.
 */
const STEP: Record<number, { ms: number, warmupMs: number }> = { 4: { ms: 12_000, warmupMs: 3_000 }, 8: { ms: 12_000, warmupMs: 4_000 }, 16: { ms: 16_000, warmupMs: 6_000 } }
const HALF_LOAD_MS = 20_000
const DRAIN_MS = 12_000
const LADDER_MAX = 3_200
const LADDER_FINE_FROM = 800
const LADDER_FLOOR: Record<number, number> = { 4: 50, 8: 50, 16: 25 }
const PORTS_PER_KIND = 32

interface Net {
  testnet: PreparedTestnet
  supervisor: Supervisor
  keys: KeyPair[]
  apis: string[]
  close: () => Promise<void>
}

function cleanEnv (): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ICN_') && v !== undefined) env[k] = v
  return env
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

async function until (what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await check().catch(() => false)) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`)
    await sleep(250)
  }
}

async function startNet (validators: number): Promise<Net> {
  const lease = await leasePortBlock()
  const dir = await mkdtemp(join(tmpdir(), `icn-bench-v${validators}-`))
  const testnet = await prepareTestnet({
    dir: join(dir, 'testnet'),
    validators,
    members: MEMBERS,
    basePort: lease.base,
    apiBasePort: lease.base + PORTS_PER_KIND,
    economics: benchEconomics(TRANSFERS_PER_MEMBER),
    logLevel: 'info'
  })
  const supervisor = createSupervisor({ testnet, env: cleanEnv(), readyTimeoutMs: 120_000 })
  const close = async (): Promise<void> => {
    await supervisor.stopAll()
    await lease.release()
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await supervisor.startAll()
    const apis = testnet.nodes.map((n) => n.apiUrl)
    await until('every validator connected to all others and height 3', 120_000, async () => {
      const all = await Promise.all(apis.map(async (_, i) => supervisor.status(i)))
      return all.every((s) => s.verifiedPeers >= validators - 1 && (s.height ?? 0) >= 3)
    })
    const keys = await Promise.all(testnet.members.map(async (m) => readKeyFile(m.keyFile)))
    return { testnet, supervisor, keys, apis, close }
  } catch (err) {
    await close()
    throw err
  }
}

interface Rss {
  /** VmRSS: resident pages, including the node binary's file-backed pages every node process shares. */
  rss: number
  /** RssAnon: the node's private (anonymous) resident memory: heaps, buffers, caches. */
  anon: number
  /** Pss: resident memory with each shared page divided among the processes sharing it. */
  pss: number
}

/** Node i's memory in MB, from /proc/<pid>/status. */
async function rssOf (net: Net, i: number): Promise<Rss> {
  const pid = net.supervisor.pid(i)
  if (pid === undefined) return { rss: Number.NaN, anon: Number.NaN, pss: Number.NaN }
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '')
  const kb = (text: string, field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? Number.NaN)
  return { rss: kb(status, 'VmRSS') / 1024, anon: kb(status, 'RssAnon') / 1024, pss: kb(rollup, 'Pss') / 1024 }
}

/** CPU time (user + system) node i has used so far, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
async function cpuMs (net: Net, i: number): Promise<number> {
  const pid = net.supervisor.pid(i)
  if (pid === undefined) return Number.NaN
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/**
 * An idle testnet for `ms`: the mean block-time gap (and its p99) of the blocks made meanwhile, and
 * the CPU each node burned, in cores (CPU seconds per second).
 */
async function idlePeriod (net: Net, ms: number): Promise<{ intervalMs: number, intervalP99Ms: number, blocks: number, cpuCores: number }> {
  const head = (await net.supervisor.status(0)).height ?? 0
  const cpu0 = await Promise.all(net.apis.map(async (_, i) => cpuMs(net, i)))
  const t0 = Date.now()
  await sleep(ms)
  const cpu1 = await Promise.all(net.apis.map(async (_, i) => cpuMs(net, i)))
  const elapsed = Date.now() - t0
  const idle = await blocksFrom(net.apis[0] as string, head + 1, (await net.supervisor.status(0)).height ?? head)
  const gaps = idle.slice(1).map((b, i) => b.time - (idle[i] as { time: number }).time)
  const cores = mean(cpu1.map((c, i) => (c - (cpu0[i] as number)) / elapsed))
  return { intervalMs: Math.round(mean(gaps)), intervalP99Ms: summarize(gaps)?.p99 ?? 0, blocks: idle.length, cpuCores: round(cores, 3) }
}

/** Samples every validator's memory once a second while `during` runs; each node's peaks. */
async function peakRss<T> (net: Net, during: Promise<T>): Promise<{ result: T, peaks: Rss[] }> {
  const peaks: Rss[] = net.apis.map(() => ({ rss: 0, anon: 0, pss: 0 }))
  let done = false
  const sampler = (async () => {
    while (!done) {
      for (const [i, peak] of peaks.entries()) {
        const now = await rssOf(net, i)
        peak.rss = Math.max(peak.rss, now.rss)
        peak.anon = Math.max(peak.anon, now.anon)
        peak.pss = Math.max(peak.pss, now.pss)
      }
      await sleep(1000)
    }
  })()
  try {
    return { result: await during, peaks }
  } finally {
    done = true
    await sampler
  }
}

async function blocksFrom (api: string, from: number, to: number): Promise<Array<{ height: number, round: number, time: number, txs: number }>> {
  const out: Array<{ height: number, round: number, time: number, txs: number }> = []
  for (let h = from; h <= to; h++) {
    const res = await fetch(`${api}/blocks/${h}`)
    const b = await res.json() as { height: number, header: { round: number, timestamp: number }, txs: unknown[] }
    out.push({ height: b.height, round: b.header.round, time: b.header.timestamp, txs: b.txs.length })
  }
  return out
}

async function allConnected (net: Net): Promise<boolean> {
  const n = net.apis.length
  const all = await Promise.all(net.apis.map(async (_, i) => net.supervisor.status(i).catch(() => undefined)))
  return all.every((s) => s !== undefined && s.verifiedPeers >= n - 1)
}

interface Step { rate: number, report: LoadReport, live: boolean, kept: boolean }

/**
 * The saturation ladder: offered rates doubling from `floor` up to 800 tx/s, then a quarter more each
 * step. A step "keeps up" when at least 90 % of
 * the offered rate was finalized in its window; the ladder climbs while the testnet stays live (every
 * transfer final by the end of the drain, every validator still connected to all others) and the
 * finalized rate grew by 5 % or more in at least one of the last two steps — past the first step
 * that does not keep up, so the plateau is measured, not guessed. The testnet may be unusable for
 * consensus after a live-ness failure.
 */
async function ladder (net: Net, floor: number, log: (line: string) => void): Promise<Step[]> {
  const steps: Step[] = []
  let best = 0
  let flat = 0
  const step = STEP[net.apis.length] ?? { ms: 16_000, warmupMs: 6_000 }
  for (let rate = floor; rate <= LADDER_MAX; rate = nextRate(rate)) {
    const { report } = await runLoad({ apis: net.apis, keys: net.keys, rate, durationMs: step.ms, warmupMs: step.warmupMs, drainTimeoutMs: DRAIN_MS })
    const connected = await allConnected(net)
    const live = connected && report.unfinalized === 0
    const kept = live && report.finalizedTxPerSec >= 0.9 * rate
    steps.push({ rate, report, live, kept })
    log(`  v${net.apis.length} offered ${rate} tx/s: finalized ${report.finalizedTxPerSec.toFixed(0)} tx/s, p50 ${Math.round(report.latencyMs?.p50 ?? -1)} ms, ` +
      `${report.unfinalized} unfinalized, ${connected ? 'all connected' : 'PEERS LOST'}${kept ? ', kept up' : ''}`)
    const grew = report.finalizedTxPerSec >= best * 1.05
    best = Math.max(best, report.finalizedTxPerSec)
    // one step that does not grow can be this shared machine's noise; two in a row are the plateau
    flat = grew ? 0 : flat + 1
    if (!live || flat >= 2) break
  }
  return steps
}

/** The ladder doubles up to LADDER_FINE_FROM, then climbs by a quarter, to find the plateau more finely. */
function nextRate (rate: number): number {
  return rate < LADDER_FINE_FROM ? rate * 2 : Math.round(rate * 1.25)
}

function saturation (steps: readonly Step[]): number {
  return Math.max(0, ...steps.map((s) => s.report.finalizedTxPerSec))
}

/** Catch-up of a fresh node: blocks and transactions applied per second by its initial sync (from its log). */
async function catchUp (net: Net): Promise<{ blocksPerSec: number, txPerSec: number, blocks: number }> {
  const { node } = await net.supervisor.addNode()
  const lines = (await readFile(node.logFile, 'utf8')).split('\n')
  let applied = 0
  let ms = 0
  let last = 0
  for (const line of lines) {
    if (!line.startsWith('{')) continue
    const entry = JSON.parse(line) as { applied?: number, ms?: number, height?: number, module?: string }
    if (entry.module === 'sync' && typeof entry.applied === 'number' && typeof entry.ms === 'number') {
      applied += entry.applied
      ms += entry.ms
      last = Math.max(last, entry.height ?? 0)
    }
  }
  if (applied === 0 || ms === 0) return { blocksPerSec: 0, txPerSec: 0, blocks: 0 }
  const synced = await blocksFrom(net.apis[0] as string, last - applied + 1, last)
  const txs = synced.reduce((n, b) => n + b.txs, 0)
  return { blocksPerSec: round(applied / (ms / 1000)), txPerSec: Math.round(txs / (ms / 1000)), blocks: applied }
}

function round (x: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

function mean (xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
}

async function fourValidators (f: Record<string, number>, log: (line: string) => void): Promise<number> {
  const a = await startNet(4)
  let sat = 0
  try {
    // idle: block interval from header times, CPU, then RSS once the nodes settled
    const idle = await idlePeriod(a, IDLE_MS)
    f['v4.idleBlockIntervalMs'] = idle.intervalMs
    f['v4.idleBlockIntervalP99Ms'] = idle.intervalP99Ms
    f['v4.idleCpuCoresPerNode'] = idle.cpuCores
    const rss = await Promise.all(a.apis.map(async (_, i) => rssOf(a, i)))
    f['v4.rssIdleMB'] = Math.round(mean(rss.map((r) => r.rss)))
    f['v4.rssIdleMaxMB'] = Math.round(Math.max(...rss.map((r) => r.rss)))
    f['v4.rssIdlePrivateMB'] = Math.round(mean(rss.map((r) => r.anon)))
    f['v4.pssIdleMB'] = Math.round(mean(rss.map((r) => r.pss)))
    log(`  v4 idle: ${idle.blocks} blocks, ${idle.intervalMs} ms apart, ${idle.cpuCores} cores per node, RSS ${rss.map((r) => r.rss.toFixed(0)).join('/')} MB (private ${rss.map((r) => r.anon.toFixed(0)).join('/')})`)

    const { result: steps, peaks } = await peakRss(a, ladder(a, LADDER_FLOOR[4] as number, log))
    sat = saturation(steps)
    for (const st of steps) f[`v4.ladder.${st.rate}`] = Math.round(st.report.finalizedTxPerSec)
    f['v4.saturationTxPerSec'] = Math.round(sat)
    f['v4.keptUpTxPerSec'] = Math.max(0, ...steps.filter((s) => s.kept).map((s) => s.rate))
    f['v4.liveAfterLadder'] = steps.every((s) => s.live) ? 1 : 0
    f['v4.rssPeakMB'] = Math.round(mean(peaks.map((p) => p.rss)))

    const c = await catchUp(a)
    f['catchup.blocksPerSec'] = c.blocksPerSec
    f['catchup.txPerSec'] = c.txPerSec
    f['catchup.blocks'] = c.blocks
    log(`  catch-up: ${c.blocks} blocks at ${c.blocksPerSec} blocks/s, ${c.txPerSec} tx/s`)
  } finally {
    await a.close()
  }

  // half load on a fresh testnet: the ladder's last step may have left validators disconnected
  const b = await startNet(4)
  try {
    const rate = Math.max(1, Math.floor(sat / 2))
    const cpu0 = await Promise.all(b.apis.map(async (_, i) => cpuMs(b, i)))
    const { result, peaks } = await peakRss(b, runLoad({ apis: b.apis, keys: b.keys, rate, durationMs: HALF_LOAD_MS, drainTimeoutMs: DRAIN_MS }))
    const cpu1 = await Promise.all(b.apis.map(async (_, i) => cpuMs(b, i)))
    const r = result.report
    // every node's CPU over the run (idle burn included) per transfer the run finalized
    const finalized = r.finalized
    f['v4.nodeCpuMsPerTx'] = round(cpu1.reduce((a, c, i) => a + c - (cpu0[i] as number), 0) / Math.max(1, finalized), 3)
    f['v4.halfLoadTxPerSec'] = rate
    f['v4.halfLoadFinalizedTxPerSec'] = Math.round(r.finalizedTxPerSec)
    f['v4.latencyP50Ms'] = Math.round(r.latencyMs?.p50 ?? -1)
    f['v4.latencyP99Ms'] = Math.round(r.latencyMs?.p99 ?? -1)
    f['v4.submitP50Ms'] = Math.round(r.acceptLatencyMs?.p50 ?? -1)
    f['v4.rssLoadMB'] = Math.round(mean(peaks.map((p) => p.rss)))
    f['v4.rssLoadMaxMB'] = Math.round(Math.max(...peaks.map((p) => p.rss)))
    f['v4.rssLoadPrivateMB'] = Math.round(mean(peaks.map((p) => p.anon)))
    const height = (await b.supervisor.status(0)).height ?? 0
    const all = await blocksFrom(b.apis[0] as string, 1, height)
    f['v4.roundsAboveZeroPer100Heights'] = round((100 * all.filter((x) => x.round > 0).length) / Math.max(1, all.length), 2)
    f['v4.heightsObserved'] = all.length
    log(`  v4 half load ${rate} tx/s: finalized ${r.finalizedTxPerSec.toFixed(0)} tx/s, p50 ${f['v4.latencyP50Ms']} ms, p99 ${f['v4.latencyP99Ms']} ms, RSS ${peaks.map((p) => p.rss.toFixed(0)).join('/')} MB`)
  } finally {
    await b.close()
  }
  return sat
}

async function scaled (validators: number, f: Record<string, number>, log: (line: string) => void): Promise<void> {
  const net = await startNet(validators)
  try {
    const idle = await idlePeriod(net, SCALED_IDLE_MS)
    f[`v${validators}.idleBlockIntervalMs`] = idle.intervalMs
    f[`v${validators}.idleCpuCoresPerNode`] = idle.cpuCores
    log(`  v${validators} idle: ${idle.blocks} blocks, ${idle.intervalMs} ms apart, ${idle.cpuCores} cores per node`)
    const { result: steps, peaks } = await peakRss(net, ladder(net, LADDER_FLOOR[validators] ?? 25, log))
    f[`v${validators}.saturationTxPerSec`] = Math.round(saturation(steps))
    f[`v${validators}.keptUpTxPerSec`] = Math.max(0, ...steps.filter((s) => s.kept).map((s) => s.rate))
    f[`v${validators}.liveAfterLadder`] = steps.every((s) => s.live) ? 1 : 0
    f[`v${validators}.rssPeakMB`] = Math.round(mean(peaks.map((p) => p.rss)))
  } finally {
    await net.close()
  }
}

export async function run (): Promise<Record<string, number>> {
  const log = (line: string): void => { process.stderr.write(line + '\n') }
  const sizes = (process.env.BENCH_NETWORK_SIZES ?? '4,8,16').split(',').map(Number)
  const f: Record<string, number> = {}
  const started = Date.now()
  if (sizes.includes(4)) await fourValidators(f, log)
  for (const v of sizes.filter((s) => s !== 4)) await scaled(v, f, log)
  f.members = MEMBERS
  f.suiteSeconds = Math.round((Date.now() - started) / 1000)
  const variant = process.env.BENCH_NETWORK_VARIANT
  return variant === undefined || variant === '' ? f : Object.fromEntries(Object.entries(f).map(([k, v]) => [`${variant}.${k}`, v]))
}

if (import.meta.main) {
  const figures = await run()
  console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value })))
}
