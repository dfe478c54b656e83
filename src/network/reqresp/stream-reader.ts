/**
 * Reads framed bytes from a libp2p 3 stream (an EventTarget of 'message' events) with backpressure:
 * past `highWaterMark` buffered bytes the stream is paused (Yamux then stops granting window to the
 * sender) and it resumes once the reader has consumed below the mark. The end of the stream is the
 * 'end' event, which libp2p emits only after everything received was delivered; a reset or abort is
 * an error, never a clean end, so a response cut at a chunk boundary is not mistaken for a short one.
 */
import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import { ReqRespError } from './errors.ts'
import { MAX_VARINT_BYTES } from './constants.ts'

/** Room for what Yamux may still deliver after a pause: its largest receive window (16 MiB). */
const PAUSED_READ_SLACK = 16 * 1024 * 1024

function terminated (stream: Stream): boolean {
  return stream.status === 'aborted' || stream.status === 'reset'
}

export class StreamReader {
  readonly #stream: Stream
  readonly #highWaterMark: number
  readonly #onData: (() => void) | undefined
  #chunks: Uint8Array[] = []
  #buffered = 0
  #ended = false
  #error: unknown
  #wake: (() => void) | undefined

  constructor (stream: Stream, opts: { highWaterMark: number, onData?: () => void }) {
    this.#stream = stream
    this.#highWaterMark = opts.highWaterMark
    this.#onData = opts.onData
    stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, opts.highWaterMark + PAUSED_READ_SLACK)
    stream.addEventListener('message', this.#message)
    stream.addEventListener('end', this.#end)
    stream.addEventListener('close', this.#close)
    if (terminated(stream)) this.#error = new ReqRespError('STREAM', `stream ${stream.status}`)
    else if (stream.readableEnded) this.#ended = true
  }

  /** Stops listening; the stream itself is left as it is. */
  dispose (): void {
    this.#stream.removeEventListener('message', this.#message)
    this.#stream.removeEventListener('end', this.#end)
    this.#stream.removeEventListener('close', this.#close)
    this.#signal()
  }

  /** The next byte, or undefined if the stream ended cleanly before it. */
  async readByteOrEnd (): Promise<number | undefined> {
    if (!await this.#fill(1)) return undefined
    return this.#take(1)[0]
  }

  /** An unsigned LEB128 varint, minimal, at most `max`; TOO_LARGE above it, MALFORMED if not minimal. */
  async readVarint (max: number, what: string): Promise<number> {
    let value = 0
    let scale = 1
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (!await this.#fill(1)) throw new ReqRespError('STREAM', `stream ended inside the ${what}`)
      const byte = this.#take(1)[0] ?? 0
      value += (byte & 0x7f) * scale
      if (value > max) throw new ReqRespError('TOO_LARGE', `${what} exceeds ${max} bytes`)
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0) throw new ReqRespError('MALFORMED', `${what} is not a minimal varint`)
        return value
      }
      scale *= 0x80
    }
    throw new ReqRespError('MALFORMED', `${what} is longer than ${MAX_VARINT_BYTES} bytes`)
  }

  /** Exactly `n` bytes; STREAM if the stream ends first. */
  async readExact (n: number, what: string): Promise<Uint8Array> {
    if (!await this.#fill(n)) throw new ReqRespError('STREAM', `stream ended inside the ${what}`)
    return this.#take(n)
  }

  async #fill (n: number): Promise<boolean> {
    while (this.#buffered < n) {
      if (this.#error !== undefined) throw this.#error
      if (this.#ended) return false
      await new Promise<void>((resolve) => { this.#wake = resolve })
    }
    return true
  }

  #take (n: number): Uint8Array {
    const out = new Uint8Array(n)
    let filled = 0
    while (filled < n) {
      const head = this.#chunks[0]
      if (head === undefined) break
      const use = Math.min(head.byteLength, n - filled)
      out.set(head.subarray(0, use), filled)
      filled += use
      if (use === head.byteLength) this.#chunks.shift()
      else this.#chunks[0] = head.subarray(use)
    }
    this.#buffered -= n
    if (this.#stream.readStatus === 'paused' && this.#buffered < this.#highWaterMark) this.#stream.resume()
    return out
  }

  #signal (): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  readonly #message = (evt: StreamMessageEvent): void => {
    const data = evt.data instanceof Uint8Array ? evt.data : evt.data.subarray()
    if (data.byteLength === 0) return
    this.#chunks.push(data)
    this.#buffered += data.byteLength
    this.#onData?.()
    if (this.#buffered > this.#highWaterMark && this.#stream.readStatus === 'readable') this.#stream.pause()
    this.#signal()
  }

  readonly #end = (): void => {
    // libp2p emits 'end' before the 'close' that carries an abort's or a reset's error
    if (terminated(this.#stream)) this.#error ??= new ReqRespError('STREAM', `stream ${this.#stream.status}`)
    else this.#ended = true
    this.#signal()
  }

  readonly #close = (evt: StreamCloseEvent): void => {
    if (evt.error !== undefined) this.#error ??= evt.error
    else if (this.#stream.readStatus !== 'paused') this.#ended = true
    this.#signal()
  }
}
