/**
 * The handshake against peers that misbehave on the wire. A bare libp2p node (TCP + Noise + Yamux,
 * no ICN code) plays the other side and sends exactly the bytes each case needs.
 */
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import * as lp from 'it-length-prefixed'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import type { Connection, Libp2p } from '@libp2p/interface'
import { encode } from '../../../src/codec/index.ts'
import { generateKeyPair } from '../../../src/identity/index.ts'
import {
  HANDSHAKE_PROTOCOL, HANDSHAKE_MAX_BYTES, PROTOCOL_VERSION, NetworkError, decodeStatus, type PeerRefusedDetail
} from '../../../src/network/index.ts'
import { nextEvent, waitFor } from '../../helpers/wait.ts'
import { NETWORK, startHost, stopAll, type TestHost } from '../fixtures.ts'

describe('handshake with a misbehaving peer', () => {
  let target: TestHost
  let address = ''
  const raws: Libp2p[] = []

  async function rawNode (listen = false): Promise<Libp2p> {
    const node = await createLibp2p({
      addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()]
    })
    raws.push(node)
    return node
  }

  /** Opens the handshake stream from a fresh bare node, sends `bytes`, returns the refusal the host reports. */
  async function sendRaw (bytes: Uint8Array): Promise<{ detail: PeerRefusedDetail, node: Libp2p }> {
    const node = await rawNode()
    const refused = nextEvent<CustomEvent<PeerRefusedDetail>>(target.host, 'peer:refused', (e) => e.detail.peerId === node.peerId.toString())
    const stream = await node.dialProtocol(multiaddr(address), HANDSHAKE_PROTOCOL)
    stream.send(bytes)
    return { detail: (await refused).detail, node }
  }

  /**
   * The refused peer is hung up and cannot get back in: a new dial may complete on its side (muxer
   * selection is optimistic) but the host's gater drops it before a connection ever opens there.
   */
  async function assertShutOut (node: Libp2p): Promise<void> {
    const id = node.peerId.toString()
    await waitFor(() => node.getConnections().length === 0, { what: 'the refused peer to be hung up' })
    let reopened = 0
    const onOpen = (e: CustomEvent<Connection>): void => { if (e.detail.remotePeer.toString() === id) reopened++ }
    target.host.libp2p.addEventListener('connection:open', onOpen)
    try {
      await node.dial(multiaddr(address)).catch(() => undefined)
      await waitFor(() => node.getConnections().length === 0, { what: 'the redial to be dropped' })
    } finally {
      target.host.libp2p.removeEventListener('connection:open', onOpen)
    }
    assert.equal(reopened, 0, 'the host never opened a connection to the refused peer again')
    assert.ok(!target.host.peers().some((p) => p.peerId === id))
  }

  before(async () => {
    target = await startHost({ handshakeTimeoutMs: 1000 })
    address = target.host.multiaddrs()[0] ?? ''
  })

  after(async () => {
    await Promise.all(raws.map(async (n) => n.stop()))
    await stopAll([target])
  })

  it('refuses bytes that are not DAG-CBOR with MALFORMED and shuts the peer out', async () => {
    const { detail, node } = await sendRaw(lp.encode.single(Uint8Array.of(0xff, 0x00, 0x13)).subarray())
    assert.equal(detail.reason, 'MALFORMED')
    await assertShutOut(node)
  })

  it('refuses a length prefix over the cap with TOO_LARGE', async () => {
    const { detail, node } = await sendRaw(lp.encode.single(new Uint8Array(HANDSHAKE_MAX_BYTES + 1)).subarray())
    assert.equal(detail.reason, 'TOO_LARGE')
    await assertShutOut(node)
  })

  it('refuses a status with an unknown field with INVALID_FIELD', async () => {
    const status = { networkId: NETWORK, protocolVersion: PROTOCOL_VERSION, did: generateKeyPair().did, extra: true }
    const { detail } = await sendRaw(lp.encode.single(encode(status)).subarray())
    assert.equal(detail.reason, 'INVALID_FIELD')
  })

  it('refuses a well-formed status whose DID is not the peer key with DID_MISMATCH', async () => {
    const status = { networkId: NETWORK, protocolVersion: PROTOCOL_VERSION, did: generateKeyPair().did }
    const { detail, node } = await sendRaw(lp.encode.single(encode(status)).subarray())
    assert.equal(detail.reason, 'DID_MISMATCH')
    await assertShutOut(node)
  })

  it('answers a well-formed status with its own even when it refuses it (here: PROTOCOL_VERSION)', async () => {
    const node = await rawNode()
    const refused = nextEvent<CustomEvent<PeerRefusedDetail>>(target.host, 'peer:refused', (e) => e.detail.peerId === node.peerId.toString())
    const stream = await node.dialProtocol(multiaddr(address), HANDSHAKE_PROTOCOL)
    stream.send(lp.encode.single(encode({ networkId: NETWORK, protocolVersion: PROTOCOL_VERSION + 1, did: generateKeyPair().did })).subarray())
    let reply: Uint8Array | undefined
    for await (const chunk of lp.decode(stream, { maxDataLength: HANDSHAKE_MAX_BYTES })) {
      reply = chunk.subarray()
      break
    }
    assert.ok(reply, 'the host answered')
    await stream.close()
    const status = decodeStatus(reply)
    assert.ok(status.networkId.equals(NETWORK))
    assert.equal(status.protocolVersion, PROTOCOL_VERSION)
    assert.equal(status.did, target.keyPair.did)
    assert.equal((await refused).detail.reason, 'PROTOCOL_VERSION')
    await assertShutOut(node)
  })

  it('refuses an inbound peer that never starts the handshake with TIMEOUT', async () => {
    const node = await rawNode()
    const refused = nextEvent<CustomEvent<PeerRefusedDetail>>(target.host, 'peer:refused', (e) => e.detail.peerId === node.peerId.toString())
    await node.dial(multiaddr(address))
    assert.equal((await refused).detail.reason, 'TIMEOUT')
    await assertShutOut(node)
  })

  it('refuses, as the dialer, a peer that does not speak the handshake with UNSUPPORTED', async () => {
    const node = await rawNode(true)
    const refused = nextEvent<CustomEvent<PeerRefusedDetail>>(target.host, 'peer:refused', (e) => e.detail.peerId === node.peerId.toString())
    const addr = node.getMultiaddrs()[0]?.toString() ?? ''
    await assert.rejects(target.host.dial(addr), (err: unknown) => err instanceof NetworkError && err.code === 'NOT_VERIFIED')
    assert.equal((await refused).detail.reason, 'UNSUPPORTED')
    await waitFor(() => node.getConnections().length === 0, { what: 'the host to hang up' })
  })
})
