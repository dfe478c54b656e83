/**
 * A small client of a node's HTTP API for the CLI (and scripts): JSON GETs, transaction submission,
 * and `sendTx`, which builds, signs and submits a transaction of any type so users never hand-craft
 * bytes — the network id and shard count come from `GET /status`, the nonce from
 * `GET /accounts/:did` (`nextNonce`, counting the node's pending transactions) unless given.
 */
import { parseCid } from '../../codec/index.ts'
import type { KeyPair } from '../../identity/index.ts'
import { buildTx, encodeTx, type Tx, type TxPayloads, type TxType } from '../../ledger/index.ts'
import { UsageError } from '../errors.ts'

/** Where `icn tx` and the query commands send requests when neither --api nor ICN_API_URL is set. */
export const DEFAULT_API_URL = 'http://127.0.0.1:8080'

/** The node answered with an error: its `{error: {code, message}}` and the HTTP status. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError'
  readonly status: number
  readonly code: string
  readonly field: string | undefined

  constructor (status: number, code: string, message: string, field?: string) {
    super(`${code} (HTTP ${status}): ${message}`)
    this.status = status
    this.code = code
    this.field = field
  }
}

/** The API URL from --api, else ICN_API_URL, else the default; a malformed one is a usage error. */
export function resolveApiUrl (flag: string | undefined, env: Record<string, string | undefined>): string {
  const raw = flag ?? env.ICN_API_URL ?? DEFAULT_API_URL
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UsageError(`--api: ${JSON.stringify(raw)} is not a URL (e.g. ${DEFAULT_API_URL})`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--api: ${raw} must be an http:// or https:// URL`)
  return raw.replace(/\/+$/, '')
}

export interface ApiClient {
  readonly url: string
  get: <T>(path: string) => Promise<T>
  /** Like `get`, but a 404 is `undefined`. */
  find: <T>(path: string) => Promise<T | undefined>
  /** POST /tx with the raw DAG-CBOR bytes; resolves with the id. */
  submit: (bytes: Uint8Array) => Promise<{ id: string }>
}

async function request (url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch (err) {
    const cause = (err as { cause?: { code?: string, message?: string } }).cause
    throw new Error(`cannot reach the node API at ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { cause: err })
  }
}

async function readJson<T> (res: Response, url: string): Promise<T> {
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new Error(`${url} answered HTTP ${res.status} with a body that is not JSON`)
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: unknown, message?: unknown, field?: unknown } }).error
    throw new ApiRequestError(res.status, String(error?.code ?? 'HTTP_ERROR'), String(error?.message ?? res.statusText), typeof error?.field === 'string' ? error.field : undefined)
  }
  return body as T
}

export function apiClient (url: string): ApiClient {
  return {
    url,
    get: async <T>(path: string): Promise<T> => readJson<T>(await request(url + path), url + path),
    find: async <T>(path: string): Promise<T | undefined> => {
      const res = await request(url + path)
      if (res.status === 404) return undefined
      return readJson<T>(res, url + path)
    },
    submit: async (bytes) => readJson<{ id: string }>(await request(`${url}/tx`, {
      method: 'POST', headers: { 'content-type': 'application/cbor' }, body: bytes
    }), `${url}/tx`)
  }
}

/** The parts of `GET /status` a transaction needs. */
interface NetworkStatus { networkId: string, shards: number | null }

export interface SendTxOptions<T extends TxType> {
  key: KeyPair
  type: T
  payload: TxPayloads[T]
  /** Default: `nextNonce` from GET /accounts/:did (0 for an account the node does not know). */
  nonce?: number
  /** 1–5, default 1. */
  priority?: number
  /** Sender's clock (ms). Default Date.now(). */
  timestamp?: number
}

/** Builds, signs and submits a transaction; resolves with its id and the transaction itself. */
export async function sendTx<T extends TxType> (client: ApiClient, opts: SendTxOptions<T>): Promise<{ id: string, tx: Tx }> {
  const status = await client.get<NetworkStatus>('/status')
  const network = parseCid(status.networkId)
  if (network === undefined) throw new Error(`${client.url}/status gave a network id that is not a CID: ${status.networkId}`)
  const nonce = opts.nonce ?? (await client.find<{ nextNonce: number }>(`/accounts/${opts.key.did}`))?.nextNonce ?? 0
  const tx = buildTx(opts.key, {
    type: opts.type,
    payload: opts.payload,
    nonce,
    network,
    timestamp: opts.timestamp ?? Date.now(),
    shards: status.shards ?? 1,
    ...(opts.priority !== undefined ? { priority: opts.priority } : {})
  }) as Tx
  const { id } = await client.submit(encodeTx(tx))
  return { id, tx }
}

export interface TxStatusJson {
  id: string
  status: 'pending' | 'final' | 'unknown'
  height?: number
  index?: number
  receipt?: { tx: string, ok: boolean, code: string | null, mana: number }
}

/** Polls GET /tx/:id until the transaction is final (or unknown: dropped), or the deadline passes. */
export async function waitForTx (client: ApiClient, id: string, opts: { timeoutMs: number, intervalMs?: number }): Promise<TxStatusJson> {
  const deadline = Date.now() + opts.timeoutMs
  for (;;) {
    const status = await client.get<TxStatusJson>(`/tx/${id}`)
    if (status.status !== 'pending') return status
    if (Date.now() >= deadline) throw new Error(`transaction ${id} is still pending after ${opts.timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 500))
  }
}
