/**
 * The HTTP API server (fastify). `createApiApp` builds the app without listening (tests use
 * `app.inject`); `createApiServer` also listens and reports the URL it got (port 0 → a free port).
 */
import { fastify, LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { urlHost } from '../config/values.ts'
import { installErrorHandling } from './errors.ts'
import { ROUTES } from './routes/index.ts'
import type { ApiNode, ApiRoute } from './types.ts'

/** Largest request body accepted (a transaction is far smaller). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

export interface ApiAppInit {
  node: ApiNode
  /** Default: a silent logger. */
  logger?: Logger
  /** Routes to serve; default ROUTES. Later features pass ROUTES plus their own. */
  routes?: readonly ApiRoute[]
  /** Default DEFAULT_BODY_LIMIT. */
  bodyLimit?: number
}

export interface ApiServerInit extends ApiAppInit {
  host: string
  /** 0 asks the OS for a free port. */
  port: number
}

export interface ApiServer {
  /** `http://host:port` with the port actually bound. */
  readonly url: string
  readonly port: number
  readonly app: FastifyInstance
  /** Stops listening and closes open connections. Idempotent. */
  close: () => Promise<void>
}

export async function createApiApp (init: ApiAppInit): Promise<FastifyInstance> {
  const app = fastify({
    // pino's Logger is a FastifyBaseLogger at runtime; the cast only bridges the two type declarations
    ...(init.logger !== undefined ? { loggerInstance: init.logger as FastifyBaseLogger } : {}),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: init.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // connections left open by clients must not hold shutdown
    forceCloseConnections: true
  })
  installErrorHandling(app)
  for (const route of init.routes ?? ROUTES) route(app, init.node)
  await app.ready()
  return app
}

export async function createApiServer (init: ApiServerInit): Promise<ApiServer> {
  const app = await createApiApp(init)
  try {
    await app.listen({ host: init.host, port: init.port })
  } catch (err) {
    await app.close()
    throw err
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : init.port
  const url = `http://${urlHost(init.host)}:${port}`
  let closing: Promise<void> | undefined
  return {
    url,
    port,
    app,
    close: async () => {
      closing ??= app.close()
      await closing
    }
  }
}
