/**
 * HTTP API (fastify): JSON routes over a node, errors as `{error: {code, message}}` with proper HTTP
 * statuses, Prometheus metrics at /metrics.
 *
 * - `createApiServer({node, host, port, logger?, routes?})` → `{url, port, app, close()}`
 * - `createApiApp({node, logger?, routes?})` → fastify instance, not listening (for `inject`)
 * - `ApiNode`: what routes read from the node; `ApiRoute`: `(app, node) => void`, listed in `ROUTES`
 * - `ApiError(status, code, message, field?)`: throw it from a handler for a client error
 */
export { createApiServer, createApiApp, DEFAULT_BODY_LIMIT, type ApiServer, type ApiServerInit, type ApiAppInit } from './server.ts'
export { ApiError, errorReply, type ApiErrorCode, type ErrorBody } from './errors.ts'
export { ROUTES } from './routes/index.ts'
export { MAX_BATCH_TXS, MAX_BATCH_BYTES } from './limits.ts'
export type { ApiNode, ApiRoute } from './types.ts'
