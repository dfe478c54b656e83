/**
 * The JSON form of chain values, used by the HTTP API and printed by the CLI. One rule everywhere:
 * - a CID is its string (base32 `bafy…`);
 * - bytes (signatures, roots) are standard base64 with padding, the encoding `POST /tx` takes too;
 * - a bigint is its decimal string;
 * - objects and arrays are converted member by member; undefined members are left out.
 */
import { CID } from '../codec/index.ts'

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

export function toJson (value: unknown): Json {
  if (value === null || value === undefined) return null
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value
    case 'bigint':
      return value.toString()
    case 'object': {
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
      const cid = CID.asCID(value)
      if (cid != null) return cid.toString()
      if (Array.isArray(value)) return value.map(toJson)
      const out: Record<string, Json> = {}
      for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v)
      return out
    }
    default:
      return null
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Bytes from standard padded base64, or undefined for anything else (no silent skipping of bad characters). */
export function fromBase64 (text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined
  return new Uint8Array(Buffer.from(text, 'base64'))
}
