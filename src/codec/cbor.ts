/**
 * Canonical encoding: DAG-CBOR (deterministic map key order, shortest integer forms) and CIDv1 with
 * sha2-256. Consensus data never holds floats (SPEC §2), so encoding refuses them instead of letting
 * two machines disagree on a rounding. Hashing uses node:crypto synchronously so hot paths stay sync.
 */
import { createHash } from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { CodecError } from './errors.ts'

/** Multicodec code of dag-cbor, used in every CID this node makes. */
export const DAG_CBOR_CODE = 0x71
/** Multihash code of sha2-256. */
export const SHA256_CODE = 0x12

export function sha256 (bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest()
}

/**
 * Checks that `value` has a canonical form and returns it with `undefined` properties dropped, so an
 * absent optional field and an `undefined` one encode to the same bytes.
 */
function canonicalize (value: unknown, path: string): unknown {
  switch (typeof value) {
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new CodecError('NOT_CANONICAL', path, `number ${value} is not a safe integer (consensus data holds no floats)`)
      }
      return value
    case 'string':
    case 'boolean':
      return value
    case 'bigint':
      return value
    case 'object': {
      if (value === null) return null
      if (value instanceof Uint8Array) return value
      if (Array.isArray(value)) return value.map((v, i) => canonicalize(v, join(path, String(i))))
      const cid = CID.asCID(value)
      if (cid != null) return cid
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) {
        throw new CodecError('NOT_CANONICAL', path, 'only plain objects, arrays, bytes and CIDs can be encoded')
      }
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue
        out[k] = canonicalize(v, join(path, k))
      }
      return out
    }
    default:
      throw new CodecError('NOT_CANONICAL', path, `${typeof value} cannot be encoded`)
  }
}

function join (path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

/** Canonical DAG-CBOR bytes of `value`. The same value gives the same bytes whatever its key order. */
export function encode (value: unknown): Uint8Array {
  return dagCbor.encode(canonicalize(value, ''))
}

/**
 * Decodes DAG-CBOR and accepts only its canonical byte form. The decoder refuses indefinite lengths
 * and non-minimal integers but not unsorted map keys, so the value is re-encoded and compared: a value
 * has exactly one accepted encoding, and the CID of received bytes is the CID of the value.
 */
export function decode (bytes: Uint8Array, maxBytes?: number): unknown {
  if (maxBytes !== undefined && bytes.byteLength > maxBytes) {
    throw new CodecError('TOO_LARGE', '', `${bytes.byteLength} bytes exceeds the limit of ${maxBytes}`)
  }
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch (err) {
    throw new CodecError('MALFORMED', '', `not canonical DAG-CBOR: ${(err as Error).message}`)
  }
  let again: Uint8Array
  try {
    again = dagCbor.encode(value)
  } catch (err) {
    throw new CodecError('MALFORMED', '', `not canonical DAG-CBOR: ${(err as Error).message}`)
  }
  if (!equalBytes(again, bytes)) throw new CodecError('MALFORMED', '', 'not canonical DAG-CBOR: map keys out of order or a float where an integer fits')
  return value
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0
}

/** CIDv1 (dag-cbor, sha2-256) of already-encoded bytes. */
export function cidOfBytes (bytes: Uint8Array): CID {
  return CID.createV1(DAG_CBOR_CODE, Digest.create(SHA256_CODE, sha256(bytes)))
}

/** Encodes `value` and returns both the bytes and their CID, so callers never encode twice. */
export function encodeWithCid (value: unknown): { bytes: Uint8Array, cid: CID } {
  const bytes = encode(value)
  return { bytes, cid: cidOfBytes(bytes) }
}

export function cidOf (value: unknown): CID {
  return cidOfBytes(encode(value))
}

/** Parses a CID from its string form, or returns undefined. */
export function parseCid (text: string): CID | undefined {
  try {
    return CID.parse(text)
  } catch {
    return undefined
  }
}

export { CID }
