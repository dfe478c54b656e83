/**
 * `npm run bench`: runs every benchmark suite in turn, prints a table per suite and writes the merged
 * figures to bench/results.json (a flat object of named numbers, with the machine they ran on).
 * `npm run bench -- ledger consensus` runs only the named suites.
 */
import { writeFile, readFile } from 'node:fs/promises'
import { cpus, totalmem, platform, arch } from 'node:os'

type Suite = () => Promise<Record<string, number>>

const SUITES: Record<string, () => Promise<Suite>> = {
  ledger: async () => (await import('./ledger.ts')).run,
  consensus: async () => (await import('./consensus.ts')).run,
  network: async () => (await import('./network.ts')).run
}

const RESULTS = new URL('./results.json', import.meta.url)

async function main (): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
  const unknown = wanted.filter((w) => !(w in SUITES))
  if (unknown.length > 0) {
    console.error(`unknown bench suite(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`)
    process.exit(2)
  }
  const names = wanted.length > 0 ? wanted : Object.keys(SUITES)
  let previous: Record<string, unknown> = {}
  try {
    previous = JSON.parse(await readFile(RESULTS, 'utf8'))
  } catch {}
  const results: Record<string, unknown> = { ...previous }
  for (const name of names) {
    const run = await SUITES[name]!()
    console.log(`\n== ${name} ==`)
    const figures = await run()
    console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value })))
    for (const [figure, value] of Object.entries(figures)) results[`${name}.${figure}`] = value
  }
  results['machine.cpu'] = cpus()[0]?.model ?? 'unknown'
  results['machine.cores'] = cpus().length
  results['machine.memoryGiB'] = Math.round(totalmem() / 2 ** 30)
  results['machine.platform'] = `${platform()}-${arch()} node ${process.version}`
  results['machine.date'] = new Date().toISOString().slice(0, 10)
  await writeFile(RESULTS, JSON.stringify(results, null, 2) + '\n')
  console.log(`\nwrote ${RESULTS.pathname}`)
}

await main()
