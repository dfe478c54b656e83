/**
 * The handshake exchange on one stream. The dialer writes its status and reads the listener's, then
 * closes its writable end: that close tells the listener its answer arrived. The listener reads the
 * dialer's status, applies the rules and answers with its own status, even when it refuses, so the
 * dialer learns why; when it refuses it waits for the dialer's close (or the deadline) before the
 * caller hangs up, so the answer is not lost with the connection. Every message is one
 * unsigned-varint length prefix followed by that many bytes of DAG-CBOR, capped at
 * HANDSHAKE_MAX_BYTES; the whole exchange runs under `signal`.
 */
import * as lp from 'it-length-prefixed'
import type { Connection, Stream } from '@libp2p/interface'
import { HandshakeError } from '../errors.ts'
import { HANDSHAKE_MAX_BYTES, HANDSHAKE_PROTOCOL } from '../constants.ts'
import { decodeStatus, type Status } from './message.ts'

/** Maps anything a stream or the length-prefix decoder throws to a HandshakeError. */
function classify (err: unknown, signal: AbortSignal): HandshakeError {
  if (err instanceof HandshakeError) return err
  if (signal.aborted) return new HandshakeError('TIMEOUT', 'handshake timed out')
  const name = err instanceof Error ? err.name : ''
  const message = err instanceof Error ? err.message : String(err)
  switch (name) {
    case 'InvalidDataLengthError': return new HandshakeError('TOO_LARGE', `handshake message longer than ${HANDSHAKE_MAX_BYTES} bytes`)
    case 'InvalidDataLengthLengthError':
    case 'InvalidMessageLengthError': return new HandshakeError('MALFORMED', `bad length prefix: ${message}`)
    case 'UnsupportedProtocolError': return new HandshakeError('UNSUPPORTED', `peer does not speak ${HANDSHAKE_PROTOCOL}`)
    default: return new HandshakeError('STREAM', `handshake stream failed: ${message}`)
  }
}

/** Reads exactly one length-prefixed message. */
async function readMessage (stream: Stream): Promise<Uint8Array> {
  for await (const chunk of lp.decode(stream, { maxDataLength: HANDSHAKE_MAX_BYTES })) {
    return chunk.subarray()
  }
  throw new HandshakeError('STREAM', 'stream ended before a handshake message arrived')
}

/** Writes one length-prefixed message. */
async function writeMessage (stream: Stream, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(lp.encode.single(bytes))) await stream.onDrain({ signal })
}

/** Resolves once the remote closed its writable end, the stream ended, or `signal` fired. */
async function remoteClosed (stream: Stream, signal: AbortSignal): Promise<void> {
  const ended = stream.remoteWriteStatus === 'closed' || stream.status === 'closed' || stream.status === 'aborted' || stream.status === 'reset'
  if (ended || signal.aborted) return
  await new Promise<void>((resolve) => {
    const done = (): void => {
      stream.removeEventListener('remoteCloseWrite', done)
      stream.removeEventListener('close', done)
      signal.removeEventListener('abort', done)
      resolve()
    }
    stream.addEventListener('remoteCloseWrite', done)
    stream.addEventListener('close', done)
    signal.addEventListener('abort', done)
  })
}

/** Runs `fn` with the stream aborted (and the error classified as TIMEOUT) once `signal` fires. */
async function guarded<T> (stream: Stream, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  const onAbort = (): void => { stream.abort(new HandshakeError('TIMEOUT', 'handshake timed out')) }
  if (signal.aborted) onAbort()
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await fn()
  } catch (err) {
    const error = classify(err, signal)
    if (stream.status === 'open') stream.abort(error)
    throw error
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/** Dialer side: opens the handshake stream on `connection`, sends `local`, returns the peer's status. */
export async function initiateHandshake (connection: Connection, local: Uint8Array, signal: AbortSignal): Promise<Status> {
  let stream: Stream
  try {
    stream = await connection.newStream(HANDSHAKE_PROTOCOL, { signal })
  } catch (err) {
    throw classify(err, signal)
  }
  return guarded(stream, signal, async () => {
    await writeMessage(stream, local, signal)
    const reply = await readMessage(stream)
    await stream.close({ signal })
    return decodeStatus(reply)
  })
}

/**
 * Listener side: reads the dialer's status and hands it to `accept`, which applies the rules and marks
 * the peer verified, or throws a HandshakeError. Then it answers with `local` and closes. Accepting
 * before answering means that by the time the dialer holds our status we already treat it as
 * verified, so its first request on another protocol never races our side of the handshake. A
 * refusal is answered too, and rethrown once the dialer has closed its end (it has our answer) or the
 * deadline passed. A message that does not decode gets no answer: the stream is reset.
 */
export async function respondHandshake (
  stream: Stream, local: Uint8Array, signal: AbortSignal, accept: (status: Status) => void
): Promise<Status> {
  return guarded(stream, signal, async () => {
    const status = decodeStatus(await readMessage(stream))
    let refusal: unknown
    try {
      accept(status)
    } catch (err) {
      refusal = err
    }
    await writeMessage(stream, local, signal)
    await stream.close({ signal })
    if (refusal === undefined) return status
    await remoteClosed(stream, signal)
    throw refusal
  })
}
