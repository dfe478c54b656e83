/**
 * A forged node API for tests: a plain HTTP server answering `GET /status`, `GET /blocks/:height` and
 * `GET /members/:did` as a node would, from a chain of CIDs (and sanction levels) the test edits.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ForgedApi {
  url: string
  /** CIDs by height, from genesis. */
  chain: string[]
  /** Sanction level by DID (GET /members/:did); absent DIDs answer 404. */
  sanctions: Map<string, number>
  blockReads: number
  close: () => Promise<void>
}

export async function forgedApi (chain: readonly string[]): Promise<ForgedApi> {
  const server: Server = createServer()
  const api: ForgedApi = { url: '', chain: [...chain], sanctions: new Map(), blockReads: 0, close: async () => { server.closeAllConnections(); await new Promise<void>((resolve) => server.close(() => { resolve() })) } }
  server.on('request', (req, res) => {
    const url = req.url ?? ''
    const height = api.chain.length - 1
    const block = /^\/blocks\/(\d+)$/.exec(url)
    const member = /^\/members\/(.+)$/.exec(url)
    res.setHeader('content-type', 'application/json')
    const send = (status: number, body: unknown): void => {
      res.statusCode = status
      res.end(JSON.stringify(body))
    }
    if (url === '/status') return send(200, { height, finalizedHeight: height, finalizedCid: api.chain[height] })
    if (block !== null) {
      api.blockReads++
      const cid = api.chain[Number(block[1])]
      return cid === undefined ? send(404, { error: { code: 'NOT_FOUND' } }) : send(200, { height: Number(block[1]), cid })
    }
    if (member !== null) {
      const level = api.sanctions.get(decodeURIComponent(member[1] ?? ''))
      return level === undefined ? send(404, { error: { code: 'NOT_FOUND' } }) : send(200, { validator: { sanctionLevel: level } })
    }
    send(404, { error: { code: 'NOT_FOUND' } })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  server.unref()
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return api
}
