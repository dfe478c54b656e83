#!/usr/bin/env node
// The `icn` command. The sources are TypeScript run by Node's type stripping (Node >= 23.6), so this
// shim checks the Node version and hands over to src/cli/main.ts. On the way it turns on Node's compile
// cache and, for the commands that run a node, re-executes itself with the runtime settings of
// src/runtime/index.ts (V8 flags cannot be set once the process runs, and a shebang cannot portably
// pass them).
import { accessSync, constants } from 'node:fs'
import module from 'node:module'
import { fileURLToPath } from 'node:url'

const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  process.stderr.write(`icn: needs Node.js 24 or later (this is ${process.version}); run it as \`npx icn\` from the checkout to use the pinned Node\n`)
  process.exit(1)
}

// In NODE_COMPILE_CACHE, else Node's default directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache()
const runtime = await import('../src/runtime/index.ts')
const args = process.argv.slice(2)
const missing = runtime.runsNode(args) ? runtime.missingNodeFlags(process.execArgv, process.env.NODE_OPTIONS) : []
if (missing.length > 0 && canExec()) {
  module.flushCompileCache()
  // The same process (pid, stdio, signals, exit code) goes on as `node <flags> bin/icn.js <args>`; the
  // flags are then in execArgv, so that run does not come back here.
  process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, fileURLToPath(import.meta.url), ...args], runtime.nodeRuntimeEnv(process.env))
}

const { run } = await import('../src/cli/main.ts')
// store what is loaded so far now (a node killed with SIGKILL never reaches the store at exit); the
// modules a command imports later are stored when the process exits
module.flushCompileCache()
await run()

/** process.execve exists on POSIX systems only, and aborts the process if the executable fails to start. */
function canExec () {
  if (typeof process.execve !== 'function' || process.platform === 'win32') return false
  try {
    accessSync(process.execPath, constants.X_OK)
    return true
  } catch {
    return false
  }
}
