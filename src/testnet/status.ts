/**
 * The supervisor's view of a node: its `GET /status`, read over HTTP like any client would. Consensus
 * fields (height, finalizedHeight, round…) are optional: nodes serve them once consensus is wired in,
 * and nothing here depends on them.
 */
import { STATUS_REQUEST_TIMEOUT_MS } from './constants.ts'

/**
 * The fields of the node's status (src/node/status.ts) a testnet relies on, declared here so the
 * supervisor keeps working while the node adds fields; any other field is passed through.
 */
export interface TestnetNodeStatus {
  networkId: string
  peerId: string
  did: string
  peers: number
  verifiedPeers: number
  listenAddrs: string[]
  api: string | null
  version: string
  uptimeMs: number
  /** Head height; absent or null until the node runs a chain. */
  height?: number | null
  finalizedHeight?: number | null
  finalizedCid?: string | null
  round?: number | null
  syncing?: boolean | null
  [field: string]: unknown
}

/** GET `<apiUrl>/status`; throws when the node does not answer 200 in time. */
export async function fetchStatus (apiUrl: string, timeoutMs = STATUS_REQUEST_TIMEOUT_MS): Promise<TestnetNodeStatus> {
  const res = await fetch(`${apiUrl}/status`, { signal: AbortSignal.timeout(timeoutMs) })
  if (res.status !== 200) {
    await res.body?.cancel()
    throw new Error(`GET ${apiUrl}/status answered ${res.status}`)
  }
  return await res.json() as TestnetNodeStatus
}
