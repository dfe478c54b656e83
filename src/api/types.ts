/** What the API needs from a node, and how a route is declared. */
import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'

/**
 * The node as the API sees it. `status()` is the node's own status object, served as is, so adding a
 * field to the node's status adds it to `GET /status` with no change here.
 */
export interface ApiNode {
  status: () => object
  peers: () => readonly object[]
  /** Prometheus registry served at `GET /metrics`. */
  metrics: Registry
}

/** A route module: registers its handlers on the app. Listed in routes/index.ts. */
export type ApiRoute = (app: FastifyInstance, node: ApiNode) => void
