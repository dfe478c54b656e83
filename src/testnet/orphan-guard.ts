/**
 * Preloaded (`node --import`) into every node process a testnet supervisor spawns. Nodes run in their
 * own process group, so a terminal's Ctrl-C reaches only the supervisor, which stops them in order.
 * If the supervisor itself dies without doing so (SIGKILL, a crashed test runner), the node is
 * re-parented; this guard notices and sends the node SIGTERM, so it shuts down cleanly instead of
 * running on as an orphan holding its ports and database.
 */
const CHECK_INTERVAL_MS = 1_000
/** If the clean shutdown hangs, the process exits anyway after this long. */
const FORCED_EXIT_MS = 15_000

const parent = process.ppid
const timer = setInterval(() => {
  if (process.ppid === parent) return
  clearInterval(timer)
  process.kill(process.pid, 'SIGTERM')
  setTimeout(() => { process.exit(1) }, FORCED_EXIT_MS).unref()
}, CHECK_INTERVAL_MS)
// never keeps the node alive by itself
timer.unref()
