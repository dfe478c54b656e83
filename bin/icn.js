#!/usr/bin/env node
// The `icn` command. The sources are TypeScript run by Node's type stripping (Node >= 23.6), so this
// shim only checks the Node version and hands over to src/cli/main.ts.
const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  process.stderr.write(`icn: needs Node.js 24 or later (this is ${process.version}); run it as \`npx icn\` from the checkout to use the pinned Node\n`)
  process.exit(1)
}
const { run } = await import('../src/cli/main.ts')
await run()
