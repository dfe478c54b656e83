/**
 * The responder: one stream per request. It reads one length-prefixed request (≤ 1 KiB) within the
 * time-to-first-byte timeout, parses it strictly, charges the peer's rate limits, then writes the
 * method's success chunks and closes its side — or one error chunk (code 1–4) and closes. The whole
 * exchange runs under the request timeout; stop() aborts every exchange in flight. Requesters that
 * break the rules are reported (protocols/reqresp.md, "Scoring").
 */
import type { Connection, Stream, StreamCloseEvent } from '@libp2p/interface'
import type { Logger } from 'pino'
import { decodeStrict, CodecError, type CID } from '../../codec/index.ts'
import { ReqRespError, type ReportPeer } from './errors.ts'
import { MAX_REQUEST_BYTES, ResultCode, type Method } from './constants.ts'
import { encodeChunk, encodeErrorChunk } from './framing.ts'
import { StreamReader } from './stream-reader.ts'
import type { RateLimiter } from './rate-limiter.ts'
import type { MethodDef } from './methods/index.ts'
import type { ChainReader } from './types.ts'

export interface ServerContext {
  chain: ChainReader
  networkId: CID
  limiter: RateLimiter
  reportPeer: ReportPeer
  ttfbTimeoutMs: number
  requestTimeoutMs: number
  /** Fires when the service stops. */
  stopped: AbortSignal
  log: Logger
}

/** A request that cannot be served: answered with `code` and reported with `action`. */
class Refusal extends Error {
  readonly code: Exclude<ResultCode, 0>
  readonly reason: string

  constructor (code: Exclude<ResultCode, 0>, reason: string, message: string) {
    super(message)
    this.code = code
    this.reason = reason
  }
}

async function send (stream: Stream, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(bytes)) await stream.onDrain({ signal })
}

/** Reads and strictly parses the one request of the stream; throws a Refusal or a ReqRespError. */
async function readRequest<Req, Item> (def: MethodDef<Req, Item>, reader: StreamReader): Promise<Req> {
  let length: number
  try {
    length = await reader.readVarint(MAX_REQUEST_BYTES, 'request length prefix')
  } catch (err) {
    if (err instanceof ReqRespError && (err.code === 'TOO_LARGE' || err.code === 'MALFORMED')) {
      throw new Refusal(ResultCode.InvalidRequest, err.code, err.message)
    }
    throw err
  }
  const body = await reader.readExact(length, 'request')
  let request: Req
  try {
    request = decodeStrict(def.requestSchema, body, MAX_REQUEST_BYTES)
  } catch (err) {
    if (err instanceof CodecError) throw new Refusal(ResultCode.InvalidRequest, 'INVALID_REQUEST', `${def.method} request: ${err.message}`)
    throw err
  }
  const broken = def.checkRequest(request)
  if (broken !== undefined) throw new Refusal(ResultCode.InvalidRequest, 'INVALID_REQUEST', `${def.method} request: ${broken}`)
  return request
}

/** Serves one inbound stream of `def`'s protocol. Never throws. */
export async function serveStream<Req, Item> (ctx: ServerContext, def: MethodDef<Req, Item>, stream: Stream, connection: Connection): Promise<void> {
  const peer = connection.remotePeer.toString()
  const method: Method = def.method
  const log = ctx.log.child({ method, peer })
  const deadline = new AbortController()
  const signal = AbortSignal.any([deadline.signal, ctx.stopped])
  const fail = (code: 'TTFB_TIMEOUT' | 'TIMEOUT', reason: string): void => {
    deadline.abort(new ReqRespError(code, reason))
  }
  const onAbort = (): void => { stream.abort(signal.reason instanceof Error ? signal.reason : new Error('aborted')) }
  signal.addEventListener('abort', onAbort, { once: true })
  // a requester that resets the stream (it gave up) must not keep us reading the chain for it
  const onClose = (evt: StreamCloseEvent): void => {
    if (evt.error !== undefined && !deadline.signal.aborted) deadline.abort(new ReqRespError('STREAM', 'the requester reset the stream'))
  }
  stream.addEventListener('close', onClose)
  const ttfb = setTimeout(() => { fail('TTFB_TIMEOUT', `no complete request within ${ctx.ttfbTimeoutMs} ms`) }, ctx.ttfbTimeoutMs)
  const whole = setTimeout(() => { fail('TIMEOUT', `request not served within ${ctx.requestTimeoutMs} ms`) }, ctx.requestTimeoutMs)
  const reader = new StreamReader(stream, { highWaterMark: MAX_REQUEST_BYTES + 16 })
  try {
    const request = await readRequest(def, reader)
    clearTimeout(ttfb)
    if (!ctx.limiter.allow(peer, method, def.blockCost(request))) {
      throw new Refusal(ResultCode.RateLimited, 'RATE_LIMITED', `${method} rate limit exceeded`)
    }
    try {
      for await (const payload of def.serve(request, { chain: ctx.chain, networkId: ctx.networkId, signal, log })) {
        await send(stream, encodeChunk(ResultCode.Success, payload), signal)
      }
    } catch (err) {
      if (signal.aborted) throw err
      if (err instanceof ReqRespError && err.code === 'UNAVAILABLE') throw new Refusal(ResultCode.ResourceUnavailable, 'UNAVAILABLE', err.message)
      log.warn({ err }, 'request failed on our side')
      throw new Refusal(ResultCode.ServerError, 'SERVER_ERROR', 'server error')
    }
    await stream.close({ signal })
  } catch (err) {
    await refuse(ctx, stream, peer, method, err, signal, deadline.signal, log)
  } finally {
    clearTimeout(ttfb)
    clearTimeout(whole)
    signal.removeEventListener('abort', onAbort)
    stream.removeEventListener('close', onClose)
    reader.dispose()
  }
}

/** Answers a refusal with its error chunk and reports the requester; a dead stream is just closed. */
async function refuse (
  ctx: ServerContext, stream: Stream, peer: string, method: Method, err: unknown, signal: AbortSignal, deadline: AbortSignal, log: Logger
): Promise<void> {
  if (err instanceof Refusal) {
    if (err.code === ResultCode.InvalidRequest) ctx.reportPeer(peer, 'low', `reqresp:${method}:${err.reason}`)
    if (err.code === ResultCode.RateLimited) ctx.reportPeer(peer, 'mid', `reqresp:${method}:RATE_LIMITED`)
    log.debug({ code: err.code, reason: err.reason }, `request refused: ${err.message}`)
    try {
      await send(stream, encodeErrorChunk(err.code, err.message), signal)
      await stream.close({ signal })
    } catch {
      if (stream.status === 'open') stream.abort(new Error('could not send the error chunk'))
    }
    return
  }
  // a requester that opens a stream and does not finish its request holds a slot for nothing; a slow
  // response may be our own chain reader's fault, so only the first is reported
  const reason: unknown = deadline.reason
  if (reason instanceof ReqRespError && reason.code === 'TTFB_TIMEOUT') ctx.reportPeer(peer, 'high', `reqresp:${method}:TTFB_TIMEOUT`)
  log.debug({ err }, 'inbound request ended without an answer')
  if (stream.status === 'open') stream.abort(err instanceof Error ? err : new Error(String(err)))
}
