/** Extra request/response protocols registered on the host through `host.handle`. */
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import * as lp from 'it-length-prefixed'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p, Stream } from '@libp2p/interface'
import { waitFor } from '../helpers/wait.ts'
import { startHost, stopAll, type TestHost } from './fixtures.ts'

const ECHO = '/icn/test-echo/1.0.0'

async function readOne (stream: Stream): Promise<Uint8Array | undefined> {
  for await (const chunk of lp.decode(stream, { maxDataLength: 1024 })) return chunk.subarray()
  return undefined
}

describe('host.handle', () => {
  let server: TestHost
  let client: TestHost
  let raw: Libp2p | undefined
  let served = 0

  before(async () => {
    server = await startHost({ handshakeTimeoutMs: 1000 })
    await server.host.handle(ECHO, async (stream) => {
      served++
      const request = await readOne(stream)
      if (request !== undefined) stream.send(lp.encode.single(request))
      await stream.close()
    }, { maxInboundStreams: 4 })
    client = await startHost({ bootstrap: [server.host.multiaddrs()[0] ?? ''] })
  })

  after(async () => {
    await raw?.stop()
    await stopAll([server, client])
  })

  it('serves verified peers', async () => {
    await waitFor(() => client.host.isVerified(server.id), { what: 'client to verify the server' })
    const stream = await client.host.libp2p.dialProtocol(server.host.peerId, ECHO)
    stream.send(lp.encode.single(Uint8Array.of(1, 2, 3)))
    const reply = await readOne(stream)
    assert.deepEqual(reply === undefined ? undefined : [...reply], [1, 2, 3])
    assert.equal(served, 1)
  })

  it('resets streams from a peer that never passes the handshake', async () => {
    raw = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
    const before = served
    const stream = await raw.dialProtocol(multiaddr(server.host.multiaddrs()[0] ?? ''), ECHO)
    stream.send(lp.encode.single(Uint8Array.of(9)))
    assert.equal(await readOne(stream), undefined, 'no answer: the stream was reset')
    await waitFor(() => stream.status !== 'open', { what: 'the stream to close' })
    assert.equal(served, before, 'the handler never ran')
  })
})
