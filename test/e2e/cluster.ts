/**
 * The in-process testnet used by the end-to-end tests; it lives in src/testnet/in-process.ts so the
 * in-process fault driver (src/faults) can run it too.
 */
export {
  startCluster, seededKey, FAST_CONSENSUS,
  type Cluster, type ClusterOptions, type ClusterStartOptions
} from '../../src/testnet/in-process.ts'
