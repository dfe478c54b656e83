/**
 * The load generator: signed transfers from many accounts, submitted at a target rate over every
 * node's API, followed to finality through the blocks, with latency measured from each transfer's
 * signed timestamp (its due time) to the moment its block was seen final. Used by `icn load` and the
 * network benchmarks (bench/network.ts, docs/benchmarks.md).
 *
 * - `runLoad(options)` → `{report, blocks}`: the whole run (run.ts)
 * - planning: `assignAccounts`, `fundingPlan`, `transferCost`, `benchEconomics` (plan.ts)
 * - pacing: `plannedCount`, `dueOffsetMs`, `dueBy` (pacing.ts)
 * - `signTransfers` (sign.ts), `Submitter` / `classifyAnswer` (submit.ts), `watchBlocks` (watcher.ts),
 *   `LoadTracker` (tracker.ts), `percentile` / `summarize` (percentile.ts)
 * - `networkInfo`, `accountInfo(s)` (status.ts); `formatReport` (report.ts)
 */
export { LoadError, LOAD_USAGE_CODES, type LoadErrorCode } from './errors.ts'
export { percentile, summarize, type LatencySummary } from './percentile.ts'
export { MAX_RATE, checkRate, plannedCount, dueOffsetMs, dueBy } from './pacing.ts'
export {
  assignAccounts, senderOf, transfersOf, transferCost, fundingPlan, benchEconomics,
  type AccountSlot, type FundingInput, type FundingPlan
} from './plan.ts'
export { signTransfers, type PlannedTx, type SignOptions } from './sign.ts'
export { Submitter, classifyAnswer, RETRY_CODES, KNOWN_CODES, type SubmitOutcome, type SubmitterOptions } from './submit.ts'
export { LoadTracker, type ObservedBlock, type BlockRecord } from './tracker.ts'
export { watchBlocks, toObservedBlock, type BlockWatcher, type WatchOptions } from './watcher.ts'
export { networkInfo, accountInfo, accountInfos, type NetworkInfo, type AccountInfo } from './status.ts'
export { runLoad, type LoadOptions, type LoadProgress, type LoadReport, type LoadResult } from './run.ts'
export { formatReport } from './report.ts'
