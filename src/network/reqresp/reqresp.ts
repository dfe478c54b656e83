/**
 * The request/response service: the responder's three protocol handlers (dispatched from the METHODS
 * table) and the requester's three calls, sharing one stop signal, one rate limiter and one set of
 * limits. Defaults come from constants.ts, applied here once.
 */
import { pino } from 'pino'
import type { CID } from '../../codec/index.ts'
import * as d from './constants.ts'
import { METHODS, type DefOf } from './methods/index.ts'
import { RateLimiter } from './rate-limiter.ts'
import { serveStream, type ServerContext } from './server.ts'
import { request, type ClientContext } from './client.ts'
import type { ReportPeer } from './errors.ts'
import type { ReqResp, ReqRespOptions } from './types.ts'

class ReqRespService implements ReqResp {
  readonly #opts: ReqRespOptions
  readonly #server: ServerContext
  readonly #client: ClientContext
  readonly #inbound: Record<d.Method, number>
  readonly #outbound: number
  readonly #stop = new AbortController()
  #registered: d.Method[] = []

  constructor (opts: ReqRespOptions) {
    this.#opts = opts
    const log = (opts.logger ?? pino({ enabled: false })).child({ module: 'reqresp' })
    const reportPeer: ReportPeer = opts.reportPeer ?? (() => {})
    const ttfbTimeoutMs = opts.ttfbTimeoutMs ?? d.DEFAULT_TTFB_TIMEOUT_MS
    const requestTimeoutMs = opts.requestTimeoutMs ?? d.DEFAULT_REQUEST_TIMEOUT_MS
    this.#server = {
      chain: opts.chain,
      networkId: opts.networkId,
      limiter: new RateLimiter({ ...d.DEFAULT_RATE_LIMITS, ...opts.rateLimits }, opts.now ?? Date.now, d.RATE_LIMITER_MAX_TRACKED),
      reportPeer,
      ttfbTimeoutMs,
      requestTimeoutMs,
      stopped: this.#stop.signal,
      log
    }
    this.#client = {
      host: opts.host,
      networkId: opts.networkId,
      maxBlockBytes: opts.maxBlockBytes ?? d.DEFAULT_MAX_BLOCK_BYTES,
      reportPeer,
      dialTimeoutMs: opts.dialTimeoutMs ?? d.DEFAULT_DIAL_TIMEOUT_MS,
      ttfbTimeoutMs,
      chunkTimeoutMs: opts.chunkTimeoutMs ?? d.DEFAULT_CHUNK_TIMEOUT_MS,
      requestTimeoutMs,
      stopped: this.#stop.signal,
      log
    }
    this.#inbound = { ...d.DEFAULT_MAX_INBOUND_STREAMS, ...opts.maxInboundStreams }
    this.#outbound = opts.maxOutboundStreams ?? d.DEFAULT_MAX_OUTBOUND_STREAMS
  }

  async start (): Promise<void> {
    for (const method of d.METHOD_NAMES) await this.#register(method)
  }

  async #register<M extends d.Method> (method: M): Promise<void> {
    const def: DefOf<M> = METHODS[method]
    await this.#opts.host.handle(d.PROTOCOL_IDS[method], async (stream, connection) => {
      await serveStream(this.#server, def, stream, connection)
    }, { maxInboundStreams: this.#inbound[method], maxOutboundStreams: this.#outbound, requireVerified: true })
    this.#registered.push(method)
  }

  async stop (): Promise<void> {
    this.#stop.abort(new Error('reqresp stopped'))
    const registered = this.#registered
    this.#registered = []
    await Promise.all(registered.map(async (m) => { await this.#opts.host.unhandle(d.PROTOCOL_IDS[m]) }))
  }

  async requestStatus (peerId: string, opts: { signal?: AbortSignal } = {}): ReturnType<ReqResp['requestStatus']> {
    const [status] = await request(this.#client, peerId, 'status', {}, opts)
    // minChunks(status) = 1: request() already refused an empty response
    if (status === undefined) throw new Error('unreachable: status response without a chunk')
    return status
  }

  async requestBlocksByRange (peerId: string, start: number, count: number, opts: { signal?: AbortSignal } = {}): ReturnType<ReqResp['requestBlocksByRange']> {
    return request(this.#client, peerId, 'blocks_by_range', { start, count }, opts)
  }

  async requestBlocksByCid (peerId: string, cids: CID[], opts: { signal?: AbortSignal } = {}): ReturnType<ReqResp['requestBlocksByCid']> {
    return request(this.#client, peerId, 'blocks_by_cid', { cids }, opts)
  }
}

/** Builds the service; `start()` registers the protocols on the host. */
export function createReqResp (opts: ReqRespOptions): ReqResp {
  return new ReqRespService(opts)
}
