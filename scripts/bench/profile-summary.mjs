// Summarises the .cpuprofile files of a directory (node-profiler.mjs): busy time, then the functions
// with the most self time and the most inclusive time, as shares of all busy samples.
//   node scripts/bench/profile-summary.mjs /tmp/icn-prof [rows]
import { readFileSync, readdirSync } from 'node:fs'

const [dir = '/tmp/icn-prof', rows = '40'] = process.argv.slice(2)
const self = new Map()
const inclusive = new Map()
let total = 0
const label = (frame) => `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber}`
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'))
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const time = new Map()
  profile.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  for (const [id, t] of time) {
    const frame = byId.get(id).callFrame
    if (frame.functionName === '(idle)') continue
    total += t
    self.set(label(frame), (self.get(label(frame)) ?? 0) + t)
    const seen = new Set()
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const key = label(byId.get(cur).callFrame)
      if (seen.has(key)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + t)
    }
  }
}
const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(rows)).map(([k, v]) => `${(100 * v / total).toFixed(1).padStart(5)} %  ${k}`).join('\n')
console.log(`busy: ${(total / 1e6).toFixed(1)} s of samples`)
console.log('--- self time'); console.log(top(self))
console.log('--- inclusive time'); console.log(top(inclusive))
