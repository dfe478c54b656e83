/**
 * What a run needs to know from the nodes before it starts: that every API answers and belongs to
 * the same network, its id and shard count, and each account's next nonce, balance and mana on the
 * node it will submit to.
 */
import { parseCid, type CID } from '../codec/index.ts'
import { LoadError } from './errors.ts'

export interface NetworkInfo {
  networkId: CID
  shards: number
  /** Head height of each API, in order. */
  heights: number[]
}

export interface AccountInfo {
  nextNonce: number
  balance: number
  mana: number
}

async function getJson<T> (url: string, timeoutMs: number): Promise<{ status: number, body: T | undefined }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  if (res.status !== 200) {
    await res.body?.cancel()
    return { status: res.status, body: undefined }
  }
  return { status: 200, body: await res.json() as T }
}

/** GET /status of every API; refuses unreachable nodes and a mix of networks. */
export async function networkInfo (apis: readonly string[], timeoutMs = 5_000): Promise<NetworkInfo> {
  const answers = await Promise.all(apis.map(async (api) => {
    try {
      const { status, body } = await getJson<{ networkId: string, shards: number | null, height: number | null }>(`${api}/status`, timeoutMs)
      if (body === undefined) throw new Error(`answered HTTP ${status}`)
      return body
    } catch (err) {
      throw new LoadError('NODE_UNREACHABLE', `${api}/status: ${(err as Error).message}`, { field: 'api', cause: err })
    }
  }))
  const first = answers[0]
  if (first === undefined) throw new LoadError('INVALID_OPTION', 'no node API given', { field: 'api' })
  for (const [i, a] of answers.entries()) {
    if (a.networkId !== first.networkId) {
      throw new LoadError('NETWORK_MISMATCH', `${apis[i] ?? ''} is on network ${a.networkId}, ${apis[0] ?? ''} on ${first.networkId}`, { field: 'api' })
    }
  }
  const networkId = parseCid(first.networkId)
  if (networkId === undefined) throw new LoadError('NODE_UNREACHABLE', `${apis[0] ?? ''}/status gave a network id that is not a CID`, { field: 'api' })
  return { networkId, shards: first.shards ?? 1, heights: answers.map((a) => a.height ?? 0) }
}

/** GET /accounts/:did on `api`; an account the node does not know is refused (it cannot pay). */
export async function accountInfo (api: string, did: string, timeoutMs = 5_000): Promise<AccountInfo> {
  let answer: { status: number, body: AccountInfo | undefined }
  try {
    answer = await getJson<AccountInfo>(`${api}/accounts/${did}`, timeoutMs)
  } catch (err) {
    throw new LoadError('NODE_UNREACHABLE', `${api}/accounts/${did}: ${(err as Error).message}`, { field: 'api', cause: err })
  }
  if (answer.status === 404) throw new LoadError('UNFUNDED', `${did} has no account on ${api}: fund it (genesis or a transfer) first`, { field: 'key' })
  if (answer.body === undefined) throw new LoadError('NODE_UNREACHABLE', `${api}/accounts/${did} answered HTTP ${answer.status}`, { field: 'api' })
  return answer.body
}

/** accountInfo for many accounts, `concurrency` requests at a time. */
export async function accountInfos (requests: ReadonlyArray<{ api: string, did: string }>, concurrency = 16): Promise<AccountInfo[]> {
  const out: AccountInfo[] = new Array<AccountInfo>(requests.length)
  let next = 0
  const worker = async (): Promise<void> => {
    for (let i = next++; i < requests.length; i = next++) {
      const r = requests[i] as { api: string, did: string }
      out[i] = await accountInfo(r.api, r.did)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker))
  return out
}
