/**
 * A node seen through its HTTP API, as any client sees it: `GET /status` for the finalized height and
 * CID, `GET /blocks/:height` for the CID of a block. The URL is asked for on every read, so a node
 * that restarts on another port, or is stopped (no URL), is followed.
 */
import type { NodeView, ViewStatus } from './types.ts'

interface StatusJson { finalizedHeight?: unknown, finalizedCid?: unknown }

function heightOf (value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null
}

/** `apiUrl()` gives the node's API base URL while it runs, undefined while it is known to be down. */
export function httpNodeView (name: string, apiUrl: () => string | undefined): NodeView {
  return {
    name,
    async status (signal) {
      const url = apiUrl()
      if (url === undefined) return undefined
      const res = await fetch(`${url}/status`, { signal })
      if (res.status !== 200) {
        await res.body?.cancel()
        throw new Error(`${name}: GET /status answered ${res.status}`)
      }
      const body = await res.json() as StatusJson
      const status: ViewStatus = {
        finalizedHeight: heightOf(body.finalizedHeight),
        finalizedCid: typeof body.finalizedCid === 'string' ? body.finalizedCid : null
      }
      return status
    },
    async blockCid (height, signal) {
      const url = apiUrl()
      if (url === undefined) throw new Error(`${name} is not running`)
      const res = await fetch(`${url}/blocks/${height}`, { signal })
      if (res.status === 404) {
        await res.body?.cancel()
        return undefined
      }
      if (res.status !== 200) {
        await res.body?.cancel()
        throw new Error(`${name}: GET /blocks/${height} answered ${res.status}`)
      }
      const body = await res.json() as { cid?: unknown }
      if (typeof body.cid !== 'string') throw new Error(`${name}: GET /blocks/${height} has no cid`)
      return body.cid
    }
  }
}
