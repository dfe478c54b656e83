/** The request/response service between real libp2p hosts on 127.0.0.1: round trips, limits, failures. */
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Stream } from '@libp2p/interface'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { CID, cidOf, encode } from '../../../src/codec/index.ts'
import { identity } from 'multiformats/hashes/identity'
import { blockId } from '../../../src/ledger/index.ts'
import {
  PROTOCOL_IDS, ReqRespError, ResultCode, encodeChunk, encodeVarint, type ReqRespErrorCode
} from '../../../src/network/reqresp/index.ts'
import { waitFor } from '../../helpers/wait.ts'
import { startHost, type TestHost } from '../fixtures.ts'
import { memoryReader, startReqRespNode, stopNodes, testChain, type ReqRespNode } from './fixtures.ts'

const HEIGHT = 40

async function rejects (p: Promise<unknown>, code: ReqRespErrorCode): Promise<ReqRespError> {
  try {
    await p
  } catch (err) {
    assert.ok(err instanceof ReqRespError, `expected a ReqRespError, got ${String(err)}`)
    assert.equal(err.code, code, err.message)
    return err
  }
  assert.fail(`expected ${code}, the request succeeded`)
}

/** Everything the remote sends until it closes. */
async function drain (stream: Stream): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const chunk of stream) parts.push(chunk instanceof Uint8Array ? chunk : chunk.subarray())
  return Uint8Array.from(parts.flatMap((p) => [...p]))
}

describe('reqresp', () => {
  const chain = testChain(HEIGHT)
  let server: ReqRespNode
  let client: ReqRespNode
  /** A client with a short time-to-first-byte, for the timeout tests only (load must not trip the others). */
  let impatient: ReqRespNode
  let limited: ReqRespNode
  let broken: ReqRespNode
  let raw: TestHost
  let behaviour: (stream: Stream) => Promise<void> = async () => {}

  before(async () => {
    server = await startReqRespNode(chain, memoryReader(chain))
    limited = await startReqRespNode(chain, memoryReader(chain), {
      rateLimits: { status: { requests: { capacity: 1, refillPerSecond: 0.001 } } }
    })
    broken = await startReqRespNode(chain, {
      status: () => { throw new Error('disk on fire') },
      blocksRange: () => { throw new ReqRespError('UNAVAILABLE', 'pruned') },
      blockByCid: async () => new Promise(() => {})
    }, { requestTimeoutMs: 500 })
    raw = await startHost({ networkId: chain.tc.network })
    for (const protocol of Object.values(PROTOCOL_IDS)) {
      await raw.host.handle(protocol, async (stream) => { await behaviour(stream) })
    }
    client = await startReqRespNode(chain, memoryReader(chain, { height: () => 0 }), {
      bootstrap: [server, limited, broken, raw].map((n) => n.host.multiaddrs()[0] ?? '')
    })
    impatient = await startReqRespNode(chain, memoryReader(chain, { height: () => 0 }), {
      bootstrap: [broken, raw].map((n) => n.host.multiaddrs()[0] ?? ''),
      ttfbTimeoutMs: 300
    })
    await waitFor(() => [server, limited, broken, raw].every((n) => client.host.isVerified(n.id)), { what: 'client to verify every peer' })
    await waitFor(() => [broken, raw].every((n) => impatient.host.isVerified(n.id)), { what: 'impatient client to verify its peers' })
  })

  after(async () => { await stopNodes([client, impatient, server, limited, broken, raw]) })

  it('answers status with the network id, head and finalized block', async () => {
    const status = await client.reqresp.requestStatus(server.id)
    assert.ok(status.networkId.equals(chain.tc.network))
    assert.equal(status.head.height, HEIGHT)
    assert.ok(status.head.cid.equals(chain.tc.chain.headId))
    assert.deepEqual({ height: status.finalized.height, cid: status.finalized.cid.toString() }, { height: HEIGHT, cid: chain.tc.chain.headId.toString() })
  })

  it('round-trips a range of blocks with their commits, in height order', async () => {
    const blocks = await client.reqresp.requestBlocksByRange(server.id, 3, 10)
    assert.deepEqual(blocks.map((b) => b.block.header.height), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    for (const b of blocks) {
      const h = b.block.header.height
      assert.ok(b.cid.equals(blockId(chain.tc.blocks[h - 1]!.header)))
      assert.deepEqual(encode(b.commit), encode(chain.commits[h - 1]))
      assert.equal(b.block.txs.length, chain.tc.blocks[h - 1]!.txs.length)
    }
    assert.ok(blocks.some((b) => b.block.txs.length > 0), 'the range carries transactions')
  })

  it('stops a range at the head, and answers a range beyond it with no chunk', async () => {
    const tail = await client.reqresp.requestBlocksByRange(server.id, HEIGHT - 4, 64)
    assert.deepEqual(tail.map((b) => b.block.header.height), [HEIGHT - 4, HEIGHT - 3, HEIGHT - 2, HEIGHT - 1, HEIGHT])
    assert.deepEqual(await client.reqresp.requestBlocksByRange(server.id, HEIGHT + 1, 10), [])
  })

  it('serves blocks by CID in request order, skipping unknown ones', async () => {
    const id = (h: number): CID => blockId(chain.tc.blocks[h - 1]!.header)
    const unknown = cidOf({ not: 'a block' })
    const blocks = await client.reqresp.requestBlocksByCid(server.id, [id(7), unknown, id(2)])
    assert.deepEqual(blocks.map((b) => b.block.header.height), [7, 2])
    assert.ok(blocks[0]!.cid.equals(id(7)))
  })

  it('refuses to send requests that break the protocol limits', async () => {
    await rejects(client.reqresp.requestBlocksByRange(server.id, 1, 65), 'INVALID_REQUEST')
    await rejects(client.reqresp.requestBlocksByRange(server.id, 0, 1), 'INVALID_REQUEST')
    const many = Array.from({ length: 33 }, (_, i) => cidOf({ i }))
    await rejects(client.reqresp.requestBlocksByCid(server.id, many), 'INVALID_REQUEST')
    const a = cidOf({ a: 1 })
    await rejects(client.reqresp.requestBlocksByCid(server.id, [a, a]), 'INVALID_REQUEST')
    // 32 CIDs with 100-byte identity digests: within the count, over the 2 KiB request cap
    const fat = Array.from({ length: 32 }, (_, i) => CID.create(1, 0x71, identity.digest(new Uint8Array(100).fill(i))))
    await rejects(client.reqresp.requestBlocksByCid(server.id, fat), 'TOO_LARGE')
    assert.equal(server.reports.length, 0, 'nothing reached the server')
  })

  it('answers an oversize request with code 1 and reports the requester', async () => {
    const stream = await client.host.libp2p.dialProtocol(server.host.peerId, PROTOCOL_IDS.status)
    stream.send(encodeVarint(5000))
    const reply = await drain(stream)
    assert.equal(reply[0], ResultCode.InvalidRequest)
    await waitFor(() => server.reports.find((r) => r.peer === client.id), { what: 'a report' })
    assert.deepEqual(server.reports.at(-1), { peer: client.id, action: 'low', reason: 'reqresp:status:TOO_LARGE' })
  })

  it('answers a request that breaks the schema with code 1', async () => {
    const stream = await client.host.libp2p.dialProtocol(server.host.peerId, PROTOCOL_IDS.blocks_by_range)
    const body = encode({ start: 1, count: 2, extra: true })
    stream.send(Uint8Array.from([...encodeVarint(body.byteLength), ...body]))
    await stream.close()
    const reply = await drain(stream)
    assert.equal(reply[0], ResultCode.InvalidRequest)
    await waitFor(() => server.reports.find((r) => r.reason === 'reqresp:blocks_by_range:INVALID_REQUEST'), { what: 'a report' })
  })

  it('refuses an oversize response chunk (TOO_LARGE) and reports the responder', async () => {
    behaviour = async (stream) => {
      stream.send(Uint8Array.from([ResultCode.Success, ...encodeVarint(10 * 1024 * 1024)]))
      await stream.close()
    }
    const before = client.reports.length
    await rejects(client.reqresp.requestBlocksByRange(raw.id, 1, 1), 'TOO_LARGE')
    assert.deepEqual(client.reports.slice(before), [{ peer: raw.id, action: 'low', reason: 'reqresp:blocks_by_range:TOO_LARGE' }])
  })

  it('refuses a chunk that does not decode (MALFORMED)', async () => {
    behaviour = async (stream) => {
      stream.send(encodeChunk(ResultCode.Success, Uint8Array.of(0xff, 0xff, 0xff)))
      await stream.close()
    }
    await rejects(client.reqresp.requestStatus(raw.id), 'MALFORMED')
    behaviour = async (stream) => {
      stream.send(encodeChunk(ResultCode.Success, encode({ block: Uint8Array.of(1, 2, 3), commit: chain.commits[0] })))
      await stream.close()
    }
    await rejects(client.reqresp.requestBlocksByRange(raw.id, 1, 1), 'MALFORMED')
    behaviour = async (stream) => {
      stream.send(Uint8Array.of(9, 0))
      await stream.close()
    }
    await rejects(client.reqresp.requestStatus(raw.id), 'MALFORMED')
    assert.equal(client.reports.at(-1)?.action, 'low')
  })

  it('refuses a range response out of order (INVALID_RESPONSE)', async () => {
    const reader = memoryReader(chain)
    behaviour = async (stream) => {
      for (const h of [2, 1]) {
        const served = [...await reader.blocksRange(h, 1) as Iterable<{ block: Uint8Array | object, commit: object }>][0]!
        stream.send(encodeChunk(ResultCode.Success, encode({ block: served.block, commit: served.commit })))
      }
      await stream.close()
    }
    await rejects(client.reqresp.requestBlocksByRange(raw.id, 1, 2), 'INVALID_RESPONSE')
  })

  it('times out a responder that never answers (TTFB_TIMEOUT) and reports it', async () => {
    behaviour = async (stream) => {
      await new Promise<void>((resolve) => { stream.addEventListener('close', () => { resolve() }) })
    }
    const before = impatient.reports.length
    await rejects(impatient.reqresp.requestStatus(raw.id), 'TTFB_TIMEOUT')
    assert.deepEqual(impatient.reports.slice(before), [{ peer: raw.id, action: 'mid', reason: 'reqresp:status:TTFB_TIMEOUT' }])
  })

  it('maps error chunks to their codes', async () => {
    const codes: Array<[number, ReqRespErrorCode]> = [[1, 'INVALID_REQUEST'], [2, 'SERVER_ERROR'], [3, 'RATE_LIMITED'], [4, 'UNAVAILABLE']]
    for (const [code, expected] of codes) {
      behaviour = async (stream) => {
        stream.send(encodeChunk(code as 1, encode({ message: 'no' })))
        await stream.close()
      }
      await rejects(client.reqresp.requestBlocksByCid(raw.id, [cidOf({ x: code })]), expected)
    }
  })

  it('answers code 2 when the chain reader fails and code 4 when it lacks the data', async () => {
    const before = client.reports.length
    await rejects(client.reqresp.requestStatus(broken.id), 'SERVER_ERROR')
    assert.deepEqual(client.reports.slice(before), [{ peer: broken.id, action: 'high', reason: 'reqresp:status:SERVER_ERROR' }])
    await rejects(client.reqresp.requestBlocksByRange(broken.id, 1, 4), 'UNAVAILABLE')
    assert.equal(client.reports.length, before + 1, 'unavailable is a legitimate answer')
  })

  it('gives up serving a request its chain reader cannot answer in time, without blaming the requester', async () => {
    await rejects(impatient.reqresp.requestBlocksByCid(broken.id, [cidOf({ y: 1 })]), 'TTFB_TIMEOUT')
    assert.deepEqual(broken.reports, [])
  })

  it('rate-limits a requester with code 3 and reports it', async () => {
    await client.reqresp.requestStatus(limited.id)
    const before = client.reports.length
    await rejects(client.reqresp.requestStatus(limited.id), 'RATE_LIMITED')
    assert.deepEqual(limited.reports, [{ peer: client.id, action: 'mid', reason: 'reqresp:status:RATE_LIMITED' }])
    assert.equal(client.reports.length, before, 'being rate-limited is not the responder\'s fault')
    // other methods have their own buckets
    assert.equal((await client.reqresp.requestBlocksByRange(limited.id, 1, 2)).length, 2)
  })

  it('aborts requests in flight on the caller\'s signal', async () => {
    behaviour = async (stream) => {
      await new Promise<void>((resolve) => { stream.addEventListener('close', () => { resolve() }) })
    }
    const controller = new AbortController()
    const pending = client.reqresp.requestStatus(raw.id, { signal: controller.signal })
    controller.abort()
    await rejects(pending, 'ABORTED')
  })

  it('does not serve a peer that has not passed the handshake', async () => {
    const served = server.reports.length
    const stranger = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
    try {
      const stream = await stranger.dialProtocol(multiaddr(server.host.multiaddrs()[0] ?? ''), PROTOCOL_IDS.blocks_by_range)
      const body = encode({ start: 1, count: 1 })
      stream.send(Uint8Array.from([...encodeVarint(body.byteLength), ...body]))
      const reply = await drain(stream).catch(() => new Uint8Array())
      assert.equal(reply.byteLength, 0, 'the stream is reset, not answered')
      assert.notEqual(stream.status, 'open')
      assert.equal(server.reports.length, served, 'the handler never ran')
    } finally {
      await stranger.stop()
    }
  })
})
