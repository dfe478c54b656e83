/**
 * The node: composition root wiring key, genesis, store, network host and HTTP API into components
 * started in order and stopped in reverse.
 *
 * - `createNode(config, options?)` → `Node {start, stop, status, peers, keyPair, peerId, did, genesis,
 *   networkId, store, host, ledger, metrics, api, logger}`
 * - `LedgerService` (node.ledger): the persisted chain, the mempool, submit / commitBlock / queries
 * - `initHome({home, genesis?, force?})`: what `icn init` does; `homePaths(home)`: the home layout
 * - `NodeStatus` / `buildStatus`: the one definition of the status object (GET /status)
 */
export { createNode, VERSION, type Node, type NodeOptions } from './node.ts'
export { initHome, isInitialised, homePaths, PACKAGE_GENESIS, type HomePaths, type InitHomeOptions, type InitHomeResult } from './home.ts'
export { loadGenesisFile, type LoadedGenesis } from './genesis-file.ts'
export { buildStatus, type NodeStatus } from './status.ts'
export { startAll, stopAll, type Component } from './lifecycle.ts'
export { registerNodeMetrics, type NodeMetricsInit } from './metrics.ts'
export { NodeError, type NodeErrorCode } from './errors.ts'
export {
  ledgerService, LedgerService, type LedgerServiceInit, type LedgerServiceComponents, type LedgerStatus, type LedgerEvents,
  type BlockEventDetail, type TxEventDetail
} from './ledger-service.ts'
