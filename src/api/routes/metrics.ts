/** `GET /metrics`: Prometheus text exposition of the node's registry. */
import type { ApiRoute } from '../types.ts'

export const metricsRoute: ApiRoute = (app, node) => {
  app.get('/metrics', async (_request, reply) => {
    const text = await node.metrics.metrics()
    return reply.type(node.metrics.contentType).send(text)
  })
}
