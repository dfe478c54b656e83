/** `GET /peers`: connected peers with their DID (once the handshake verified it), addresses and direction. */
import type { ApiRoute } from '../types.ts'

export const peersRoute: ApiRoute = (app, node) => {
  app.get('/peers', async () => ({ peers: node.peers() }))
}
