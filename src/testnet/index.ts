/**
 * Local testnets: N validator nodes as processes on 127.0.0.1 (`icn testnet`, `npm start`, the e2e
 * harness).
 *
 * - `createTestnetGenesis({validators, members?, networkName?, genesisTime?, shards?, consensus?,
 *   economics?, seed?})` → `{genesis (JSON), parsed, networkId, validatorKeys, memberKeys}`;
 *   `testnetKey(seed, role, i)`: the seeded keys
 * - `prepareTestnet({dir, validators, members?, basePort?, apiBasePort?, host?, fresh?, …genesis})`
 *   → `PreparedTestnet` (writes genesis, member keys, node homes and config.json; reuses an existing
 *   testnet unless `fresh`); `addTestnetNode(testnet)`, `loadTestnet(dir)`
 * - `superviseNodes({testnet, onLog?, onUnexpectedExit?, readyTimeoutMs?, stopTimeoutMs?, env?, out?})`
 *   → `{supervisor, statuses}`; `createSupervisor(...)` without starting; `Supervisor`: startAll,
 *   start, status, apiUrl, kill, stop, restart, pause, resume, addNode, logTail, stopAll
 * - `portsInUse(host, ports)`, `leasePortBlock()`: ports free now, and blocks of ports reserved
 *   across processes (parallel tests)
 * - `prepareComposeTestnet({dir, hosts?, observers?, port?, apiPort?, owner?, …genesis})` →
 *   `PreparedComposeTestnet`: homes for docker-compose.yml's services, peers named
 *   `/dns4/<service>/tcp/<port>/p2p/<id>` (`icn testnet prepare`, run by the compose `init` service)
 *
 * Ports: node i listens for libp2p on basePort + i (default 4001 + i) and serves its API on
 * apiBasePort + i (default 8080 + i), on 127.0.0.1.
 */
export {
  DEFAULT_VALIDATORS, DEFAULT_MEMBERS, DEFAULT_DIR, DEFAULT_BASE_PORT, DEFAULT_API_BASE_PORT, DEFAULT_HOST,
  DEFAULT_NETWORK_NAME, DEFAULT_READY_TIMEOUT_MS, DEFAULT_STOP_TIMEOUT_MS, MAX_NODES, MAX_MEMBERS
} from './constants.ts'
export { TestnetError, TESTNET_USAGE_CODES, type TestnetErrorCode } from './errors.ts'
export {
  createTestnetGenesis, testnetKey, defaultGenesisTime,
  type GenesisJson, type TestnetGenesis, type TestnetGenesisOptions, type TestnetKeyRole
} from './genesis.ts'
export { checkPortPlan, planPorts, layoutNodes, nodeConfig, type NodeLayout, type NodeRole, type NodeIdentity, type PortPlan } from './layout.ts'
export {
  prepareTestnet, addTestnetNode, loadTestnet,
  type PrepareTestnetOptions, type PreparedTestnet, type MemberKey, type AddNodeOptions
} from './prepare.ts'
export { readManifest, type Manifest } from './manifest.ts'
export { createSupervisor, superviseNodes, failureMessage, type Supervisor, type SuperviseOptions } from './supervisor.ts'
export { NodeProcess, CLI_MAIN, describeExit, type NodeExit, type NodeProcessState } from './node-process.ts'
export { fetchStatus, type TestnetNodeStatus } from './status.ts'
export { formatNodeTable } from './table.ts'
export { canBind, portsInUse, leasePortBlock, LEASE_BLOCK_SIZE, LEASE_RANGE_START, LEASE_RANGE_END, type PortLease, type LeaseOptions } from './ports.ts'
export {
  DEFAULT_COMPOSE_HOSTS, DEFAULT_COMPOSE_P2P_PORT, DEFAULT_COMPOSE_API_PORT, COMPOSE_SHARED_DIR, COMPOSE_MANIFEST_FILE
} from './constants.ts'
export {
  prepareComposeTestnet, composeNodeConfig, composeAddr, checkComposePlan,
  type PrepareComposeOptions, type PreparedComposeTestnet, type ComposeService, type ComposeRole
} from './compose.ts'
