/**
 * The multi-process driver over Linux network namespaces (root only): each node a process in its own
 * namespace with its own address on a private bridge; partitions as blackhole routes; kill, pause and
 * resume as signals. Needs only iproute2.
 *
 * - `netnsDriver(manifest, options)` → FaultDriver
 * - `netnsAvailability()` → `{ok: true} | {ok: false, reason}`: probed once, by trying
 * - `cleanupLeftovers({all?})` → slots removed: namespaces, links and processes of dead runs
 * - `NetnsNetwork`, `NetnsNodeProcess`: the network and the node processes; names in names.ts
 */
export { netnsDriver } from './driver.ts'
export { netnsAvailability, type NetnsAvailability } from './availability.ts'
export { cleanupLeftovers, claimSlot, releaseSlot } from './leftovers.ts'
export { NetnsNetwork } from './network.ts'
export { NetnsNodeProcess, type NetnsExit, type NetnsProcessState } from './process.ts'
export {
  NAME_PREFIX, SUBNET_BASE, STATE_DIR, P2P_PORT, API_PORT, bridgeNs, nodeNs, rootLink, nodeAddress, hostAddress, slotOf
} from './names.ts'
