/**
 * Names and addresses of a netns run. Run `s` (0–255) owns the subnet 10.77.<s>.0/24 and every name
 * that starts with `icnf<s>-` or is `icnf<s>`, so leftovers of a crashed run are found by prefix:
 *
 *   icnf<s>-br        namespace holding the bridge `br0` every node's veth is attached to
 *   icnf<s>-n<i>      node i's namespace: `lo`, and `eth0` with 10.77.<s>.<i+1>/24
 *   icnf<s>           the root namespace's veth into the bridge, 10.77.<s>.254/24, so the runner
 *                     (and you) reach every node's API from the host
 *   /run/icn-faults/icnf<s>.pid   the pid of the run that owns <s> (a dead one marks leftovers), and
 *                     its temporary directory, removed with the leftovers
 *
 * Nodes talk to each other only across that bridge; the root namespace routes nothing between them
 * (no forwarding, no NAT), and no address outside the /24 is involved.
 */
export const NAME_PREFIX = 'icnf'
export const SUBNET_BASE = '10.77'
/** Subnets a run may claim: 10.77.0.0/24 … 10.77.255.0/24. */
export const RUN_SLOTS = 256
export const STATE_DIR = '/run/icn-faults'
/** A run's temporary directory (homes, genesis, logs) when no --dir is given: `<tmpdir>/icn-faults-XXXXXX`. */
export const TEMP_DIR_PREFIX = 'icn-faults-'
/** Every node listens on the same ports: each has its own address. */
export const P2P_PORT = 4001
export const API_PORT = 8080
/** Host numbers 1…MAX_NETNS_NODES; 254 is the root namespace's. */
export const MAX_NETNS_NODES = 200
export const HOST_ADDRESS_NUMBER = 254

export const bridgeNs = (s: number): string => `${NAME_PREFIX}${s}-br`
export const nodeNs = (s: number, i: number): string => `${NAME_PREFIX}${s}-n${i}`
export const rootLink = (s: number): string => `${NAME_PREFIX}${s}`
export const nodeAddress = (s: number, i: number): string => `${SUBNET_BASE}.${s}.${i + 1}`
export const hostAddress = (s: number): string => `${SUBNET_BASE}.${s}.${HOST_ADDRESS_NUMBER}`
export const ownerFile = (s: number): string => `${STATE_DIR}/${NAME_PREFIX}${s}.pid`

/** The run slot a namespace or link name belongs to, or undefined for names that are not ours. */
export function slotOf (name: string): number | undefined {
  const m = /^icnf(\d{1,3})(?:-|$)/.exec(name)
  if (m === null) return undefined
  const s = Number(m[1])
  return s < RUN_SLOTS ? s : undefined
}
