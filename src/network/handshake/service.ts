/**
 * Runs the handshake on every connection of a libp2p node and keeps the PeerTable current.
 *
 * Who initiates: the dialer of a connection, only. The listener answers and, so that a node that only
 * receives connections still verifies every peer, arms a deadline when an inbound connection opens: a
 * peer that has not completed a handshake by then is refused. Each side applies the same rules to the
 * status it receives. Failure of any rule refuses the peer: it is hung up, put on the refused list
 * (which the connection gater enforces) and reported through `onRefused`. A handshake that dies
 * because its connection closed blames nobody.
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import { HandshakeError } from '../errors.ts'
import { HANDSHAKE_PROTOCOL } from '../constants.ts'
import type { PeerTable, PeerRecord } from '../peers.ts'
import { checkStatus, encodeStatus, type LocalExpectation, type Status } from './message.ts'
import { initiateHandshake, respondHandshake } from './exchange.ts'

export interface HandshakeServiceInit {
  libp2p: Libp2p
  peers: PeerTable
  expect: LocalExpectation
  /** Our status, built afresh for every handshake because chain heads move. */
  localStatus: () => Status
  /** Budget of one handshake, and how long an inbound connection may stay unverified. */
  timeoutMs: number
  /** How long a refused peer stays on the refused list. */
  refusedPeerBanMs: number
  onVerified: (peerId: PeerId, status: Status) => void
  onRefused: (peerId: PeerId, error: HandshakeError) => void
  log: Logger
}

export class HandshakeService {
  private readonly init: HandshakeServiceInit
  private controller = new AbortController()
  private running = false

  constructor (init: HandshakeServiceInit) {
    this.init = init
  }

  async start (): Promise<void> {
    this.controller = new AbortController()
    this.running = true
    await this.init.libp2p.handle(HANDSHAKE_PROTOCOL, this.onStream, { maxInboundStreams: 2, maxOutboundStreams: 2 })
    this.init.libp2p.addEventListener('connection:open', this.onConnectionOpen)
  }

  /** Aborts handshakes in flight; the peer table's deadlines are cleared by its owner. */
  stop (): void {
    this.running = false
    this.controller.abort()
    this.init.libp2p.removeEventListener('connection:open', this.onConnectionOpen)
  }

  /** Refuses `peer` (see `markRefused`) and hangs up on it. */
  refuse (peer: PeerId, error: HandshakeError): void {
    if (!this.running) return
    this.markRefused(peer, error)
    this.init.libp2p.hangUp(peer).catch((err: unknown) => {
      this.init.log.debug({ peer: peer.toString(), err }, 'hang-up of a refused peer failed')
    })
  }

  /** Puts `peer` on the refused list, forgets its record and reports it, once per refusal period. */
  private markRefused (peer: PeerId, error: HandshakeError): void {
    const id = peer.toString()
    if (this.init.peers.isRefused(id)) return
    this.init.peers.refuse(id, this.init.refusedPeerBanMs)
    this.init.peers.delete(id)
    this.init.log.info({ peer: id, code: error.code, field: error.field }, `refused peer: ${error.message}`)
    this.init.onRefused(peer, error)
  }

  private readonly onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    const connection = evt.detail
    const peer = connection.remotePeer
    const id = peer.toString()
    if (this.init.peers.isRefused(id)) {
      connection.abort(new HandshakeError('STREAM', 'peer is on the refused list'))
      return
    }
    const record = this.init.peers.ensure(id)
    if (record.verified) return
    if (connection.direction === 'outbound') {
      if (!record.initiating) void this.initiate(connection, record)
    } else {
      this.init.peers.armDeadline(id, this.init.timeoutMs, () => {
        this.refuse(peer, new HandshakeError('TIMEOUT', `no handshake completed within ${this.init.timeoutMs} ms of the inbound connection`))
      })
    }
  }

  private async initiate (connection: Connection, record: PeerRecord): Promise<void> {
    record.initiating = true
    try {
      const status = await this.withDeadline(async (signal) => initiateHandshake(connection, this.localBytes(), signal))
      checkStatus(this.init.expect, status, connection.remotePeer)
      this.verified(connection, status)
    } catch (err) {
      this.fail(connection, err)
    } finally {
      record.initiating = false
    }
  }

  private readonly onStream = async (stream: Stream, connection: Connection): Promise<void> => {
    const id = connection.remotePeer.toString()
    if (this.init.peers.isRefused(id)) {
      stream.abort(new HandshakeError('STREAM', 'peer is on the refused list'))
      return
    }
    try {
      await this.withDeadline(async (signal) => respondHandshake(stream, this.localBytes(), signal, (status) => {
        try {
          checkStatus(this.init.expect, status, connection.remotePeer)
        } catch (err) {
          // decided now; the hang-up waits until the dialer has read our answer (see exchange.ts)
          if (this.running && err instanceof HandshakeError) this.markRefused(connection.remotePeer, err)
          throw err
        }
        this.verified(connection, status)
      }))
    } catch (err) {
      this.fail(connection, err)
    }
  }

  private verified (connection: Connection, status: Status): void {
    // a handshake that completes on a connection that has meanwhile closed proves nothing about the peer
    if (!this.running || connection.status !== 'open') return
    if (this.init.peers.markVerified(connection.remotePeer.toString(), status)) {
      this.init.log.debug({ peer: connection.remotePeer.toString(), did: status.did }, 'peer verified')
      this.init.onVerified(connection.remotePeer, status)
    }
  }

  private fail (connection: Connection, err: unknown): void {
    if (!this.running) return
    const error = err instanceof HandshakeError ? err : new HandshakeError('STREAM', `handshake failed: ${String(err)}`)
    if ((error.code === 'STREAM' || error.code === 'TIMEOUT') && connection.status !== 'open') {
      this.init.log.debug({ peer: connection.remotePeer.toString(), code: error.code }, 'handshake ended with its connection')
      return
    }
    this.refuse(connection.remotePeer, error)
  }

  private localBytes (): Uint8Array {
    const status = this.init.localStatus()
    try {
      return encodeStatus(status)
    } catch (err) {
      // too many heads to fit the cap: the heads are an optimisation, the identity fields are not
      this.init.log.warn({ err }, 'local status too large, sending it without heads')
      return encodeStatus({ networkId: status.networkId, protocolVersion: status.protocolVersion, did: status.did })
    }
  }

  /** Runs `fn` under a signal that fires after `timeoutMs` or when the service stops. */
  private async withDeadline<T> (fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const timeout = new AbortController()
    const timer = setTimeout(() => { timeout.abort() }, this.init.timeoutMs)
    try {
      return await fn(AbortSignal.any([timeout.signal, this.controller.signal]))
    } finally {
      clearTimeout(timer)
    }
  }
}
