/**
 * The API's one error shape, `{error: {code, message}}`, and the single place that maps any thrown
 * error onto it: ApiError carries its own status; fastify's client errors (bad JSON, failed schema)
 * become 400s; strict-decoding errors (CodecError) become 400 INVALID_INPUT naming the field; anything
 * else is a 500 whose body says only "internal error" (the details go to the log, never to the client).
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import { CodecError } from '../codec/index.ts'

export type ApiErrorCode =
  | 'BAD_REQUEST' // malformed request: bad JSON, failed request schema
  | 'INVALID_INPUT' // a well-formed request whose content breaks a rule; `field` names where
  | 'NOT_FOUND' // unknown route or unknown object
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAVAILABLE' // the node cannot answer yet (starting, syncing)
  | 'INTERNAL'

export interface ErrorBody {
  error: { code: ApiErrorCode, message: string, field?: string }
}

export class ApiError extends Error {
  override name = 'ApiError'
  readonly status: number
  readonly code: ApiErrorCode
  readonly field: string | undefined

  constructor (status: number, code: ApiErrorCode, message: string, field?: string) {
    super(message)
    this.status = status
    this.code = code
    this.field = field
  }
}

const CLIENT_CODES: Record<number, ApiErrorCode> = { 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' }

/** The status and body for a thrown error. */
export function errorReply (err: unknown): { status: number, body: ErrorBody } {
  if (err instanceof ApiError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, ...(err.field !== undefined ? { field: err.field } : {}) } } }
  }
  if (err instanceof CodecError) {
    return { status: 400, body: { error: { code: 'INVALID_INPUT', message: err.message, ...(err.field !== '' ? { field: err.field } : {}) } } }
  }
  const status = (err as FastifyError | null)?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { error: { code: CLIENT_CODES[status] ?? 'BAD_REQUEST', message: (err as Error).message } } }
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } }
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandling (app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const { status, body } = errorReply(err)
    if (status >= 500) request.log.error({ err, method: request.method, url: request.url }, 'request failed')
    void reply.status(status).send(body)
  })
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = { error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` } }
    void reply.status(404).send(body)
  })
}
