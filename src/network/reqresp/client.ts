/**
 * The requester: opens one stream per request, writes the length-prefixed request, closes its side,
 * then reads chunks until the responder closes. Timeouts (protocols/reqresp.md, "Timeouts"): opening
 * the stream, time to first byte, each chunk, the whole request. Every failure becomes a
 * ReqRespError, and failures that say something about the responder are reported through
 * OUTBOUND_ACTION (or the error's own action), once, here.
 */
import type { Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Logger } from 'pino'
import { encode, CodecError, parse, type CID } from '../../codec/index.ts'
import { OUTBOUND_ACTION, ReqRespError, type ReportPeer, type ReqRespErrorCode } from './errors.ts'
import { MAX_REQUEST_BYTES, PROTOCOL_IDS, ResultCode, type Method } from './constants.ts'
import { decodeErrorMessage, encodeRequestFrame } from './framing.ts'
import { StreamReader } from './stream-reader.ts'
import { METHODS, type DefOf, type MethodTypes } from './methods/index.ts'
import type { ReqRespHost, RequestOptions } from './types.ts'

export interface ClientContext {
  host: ReqRespHost
  networkId: CID
  maxBlockBytes: number
  reportPeer: ReportPeer
  dialTimeoutMs: number
  ttfbTimeoutMs: number
  chunkTimeoutMs: number
  requestTimeoutMs: number
  /** Fires when the service stops. */
  stopped: AbortSignal
  log: Logger
}

const ERROR_CODES: Record<Exclude<ResultCode, 0>, ReqRespErrorCode> = {
  [ResultCode.InvalidRequest]: 'INVALID_REQUEST',
  [ResultCode.ServerError]: 'SERVER_ERROR',
  [ResultCode.RateLimited]: 'RATE_LIMITED',
  [ResultCode.ResourceUnavailable]: 'UNAVAILABLE'
}

function isErrorCode (code: number): code is Exclude<ResultCode, 0> {
  return code in ERROR_CODES
}

/** Our own request, encoded and checked against the limits the responder applies. */
function encodeRequest<M extends Method> (method: M, request: MethodTypes[M]['request']): Uint8Array {
  const def: DefOf<M> = METHODS[method]
  let checked: MethodTypes[M]['request']
  try {
    checked = parse(def.requestSchema, request)
  } catch (err) {
    if (err instanceof CodecError) throw new ReqRespError('INVALID_REQUEST', `${method} request: ${err.message}`, { cause: err })
    throw err
  }
  const broken = def.checkRequest(checked)
  if (broken !== undefined) throw new ReqRespError('INVALID_REQUEST', `${method} request: ${broken}`)
  const body = encode(checked)
  if (body.byteLength > MAX_REQUEST_BYTES) throw new ReqRespError('TOO_LARGE', `${method} request of ${body.byteLength} bytes exceeds ${MAX_REQUEST_BYTES}`)
  return body
}

/** Maps whatever a stream, a dial or a timer threw to a ReqRespError. */
function classify (err: unknown, deadline: AbortSignal, signal: AbortSignal): ReqRespError {
  if (deadline.aborted && deadline.reason instanceof ReqRespError) return deadline.reason
  if (signal.aborted) return new ReqRespError('ABORTED', 'request aborted', { cause: err })
  if (err instanceof ReqRespError) return err
  const name = err instanceof Error ? err.name : ''
  const message = err instanceof Error ? err.message : String(err)
  if (name === 'UnsupportedProtocolError') return new ReqRespError('UNSUPPORTED', `peer does not speak the protocol: ${message}`, { cause: err })
  return new ReqRespError('STREAM', `stream failed: ${message}`, { cause: err })
}

/** Performs one request; resolves with the decoded, contract-checked success chunks. */
export async function request<M extends Method> (
  ctx: ClientContext, peer: string, method: M, req: MethodTypes[M]['request'], opts: RequestOptions = {}
): Promise<Array<MethodTypes[M]['item']>> {
  type Item = MethodTypes[M]['item']
  const def: DefOf<M> = METHODS[method]
  if (ctx.stopped.aborted) throw new ReqRespError('ABORTED', 'the request/response service is stopped')
  if (!ctx.host.isVerified(peer)) throw new ReqRespError('NOT_VERIFIED', `peer ${peer} has not passed the handshake`)
  const frame = encodeRequestFrame(encodeRequest(method, req))
  const maxChunkBytes = def.maxChunkBytes(ctx.maxBlockBytes)

  const deadline = new AbortController()
  const signal = AbortSignal.any([deadline.signal, ctx.stopped, ...(opts.signal !== undefined ? [opts.signal] : [])])
  const timers = new Map<string, NodeJS.Timeout>()
  const arm = (name: string, ms: number, code: ReqRespErrorCode, message: string): void => {
    clearTimeout(timers.get(name))
    timers.set(name, setTimeout(() => { deadline.abort(new ReqRespError(code, message)) }, ms))
  }
  const disarm = (name: string): void => {
    clearTimeout(timers.get(name))
    timers.delete(name)
  }
  let stream: Stream | undefined
  let reader: StreamReader | undefined
  const onAbort = (): void => { stream?.abort(signal.reason instanceof Error ? signal.reason : new Error('aborted')) }
  signal.addEventListener('abort', onAbort, { once: true })
  arm('request', ctx.requestTimeoutMs, 'TIMEOUT', `${method} not complete within ${ctx.requestTimeoutMs} ms`)
  try {
    arm('dial', ctx.dialTimeoutMs, 'DIAL_FAILED', `no ${method} stream within ${ctx.dialTimeoutMs} ms`)
    try {
      stream = await ctx.host.libp2p.dialProtocol(peerIdFromString(peer), PROTOCOL_IDS[method], { signal })
    } catch (err) {
      const error = classify(err, deadline.signal, signal)
      throw error.code === 'STREAM' ? new ReqRespError('DIAL_FAILED', error.message, { cause: err }) : error
    }
    disarm('dial')
    if (signal.aborted) throw signal.reason
    // time to first byte runs from the request sent to the first response byte; from then on, each
    // chunk has chunkTimeoutMs (re-armed below as each chunk completes)
    let firstByte = false
    let requestSent = false
    const armChunk = (): void => { arm('chunk', ctx.chunkTimeoutMs, 'TIMEOUT', `${method} chunk not complete within ${ctx.chunkTimeoutMs} ms`) }
    reader = new StreamReader(stream, {
      highWaterMark: maxChunkBytes + 16,
      onData: () => {
        if (firstByte) return
        firstByte = true
        disarm('ttfb')
        if (requestSent) armChunk()
      }
    })
    if (!stream.send(frame)) await stream.onDrain({ signal })
    await stream.close({ signal })
    requestSent = true
    if (firstByte) armChunk()
    else arm('ttfb', ctx.ttfbTimeoutMs, 'TTFB_TIMEOUT', `no ${method} response within ${ctx.ttfbTimeoutMs} ms`)

    const items: Item[] = []
    for (;;) {
      const code = await reader.readByteOrEnd()
      if (code === undefined) break
      if (code !== ResultCode.Success && !isErrorCode(code)) throw new ReqRespError('MALFORMED', `unknown result code ${code}`)
      const length = await reader.readVarint(maxChunkBytes, `${method} chunk length prefix`)
      const payload = await reader.readExact(length, `${method} chunk`)
      armChunk()
      if (isErrorCode(code)) {
        const message = decodeErrorMessage(payload) ?? '(no readable message)'
        throw new ReqRespError(ERROR_CODES[code], `${method}: peer answered ${ERROR_CODES[code]}: ${message}`)
      }
      if (items.length >= def.maxChunks(req)) throw new ReqRespError('INVALID_RESPONSE', `${method}: more than ${def.maxChunks(req)} chunks`)
      items.push(def.decodeChunk(req, payload, items, { networkId: ctx.networkId, maxBlockBytes: ctx.maxBlockBytes }))
    }
    if (items.length < def.minChunks(req)) throw new ReqRespError('INVALID_RESPONSE', `${method}: ${items.length} chunks, at least ${def.minChunks(req)} expected`)
    return items
  } catch (err) {
    const error = classify(err, deadline.signal, signal)
    if (stream !== undefined && stream.status === 'open') stream.abort(error)
    const action = error.action ?? OUTBOUND_ACTION[error.code]
    if (action !== null) ctx.reportPeer(peer, action, `reqresp:${method}:${error.code}`)
    ctx.log.debug({ peer, method, code: error.code }, `request failed: ${error.message}`)
    throw error
  } finally {
    for (const timer of timers.values()) clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
    reader?.dispose()
  }
}
