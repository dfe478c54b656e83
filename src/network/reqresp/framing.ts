/**
 * Framing of requests and response chunks (protocols/reqresp.md, "Framing"):
 *   request  = uvarint(len) ‖ body
 *   chunk    = resultCode (1 byte) ‖ uvarint(len) ‖ payload
 * uvarint is the unsigned LEB128 varint of multiformats, minimal (no trailing zero groups). The error
 * chunk payload is `{message}`, a DAG-CBOR map with one text field.
 */
import { encode, decodeStrict, z } from '../../codec/index.ts'
import { MAX_ERROR_MESSAGE_CHARS, MAX_ERROR_PAYLOAD_BYTES, ResultCode } from './constants.ts'
import { concat } from 'uint8arrays/concat'

export function encodeVarint (value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint of ${value}`)
  const out: number[] = []
  let n = value
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80)
    n = Math.floor(n / 0x80)
  }
  out.push(n)
  return Uint8Array.from(out)
}


/** A request on the wire: length prefix and body. */
export function encodeRequestFrame (body: Uint8Array): Uint8Array {
  return concat([encodeVarint(body.byteLength), body])
}

/** One response chunk on the wire. */
export function encodeChunk (code: ResultCode, payload: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(code), encodeVarint(payload.byteLength), payload])
}

const errorPayloadSchema = z.strictObject({ message: z.string().max(MAX_ERROR_MESSAGE_CHARS) })

/** The chunk a responder sends to refuse or abandon a request: a non-zero code and why. */
export function encodeErrorChunk (code: Exclude<ResultCode, 0>, message: string): Uint8Array {
  return encodeChunk(code, encode({ message: message.slice(0, MAX_ERROR_MESSAGE_CHARS) }))
}

/** The message of an error chunk; a payload that does not decode yields undefined (the code still counts). */
export function decodeErrorMessage (payload: Uint8Array): string | undefined {
  try {
    return decodeStrict(errorPayloadSchema, payload, MAX_ERROR_PAYLOAD_BYTES).message
  } catch {
    return undefined
  }
}
