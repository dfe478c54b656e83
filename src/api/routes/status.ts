/** `GET /status`: the node's status object (network id, peer id, DID, peer count, addresses, version, uptime…). */
import type { ApiRoute } from '../types.ts'

export const statusRoute: ApiRoute = (app, node) => {
  app.get('/status', async () => node.status())
}
