/**
 * Key building helpers. LevelDB orders keys bytewise, so numbers are written big-endian with a fixed
 * width: height 2 sorts before height 10, and a range scan over heights is a range scan over keys.
 */
import { concat } from 'uint8arrays/concat'

const encoder = new TextEncoder()

/** A fixed-width 8-byte big-endian key for a non-negative safe integer (heights, sequence numbers). */
export function u64Key (n: number | bigint): Uint8Array {
  const value = BigInt(n)
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new RangeError(`u64Key: ${n} is outside 0..2^64-1`)
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, value)
  return out
}

/** Reads back a key written by `u64Key` (at `offset`), as a number; throws beyond the safe range. */
export function readU64Key (key: Uint8Array, offset = 0): number {
  if (key.byteLength < offset + 8) throw new RangeError(`readU64Key: need 8 bytes at offset ${offset}, have ${key.byteLength}`)
  const value = new DataView(key.buffer, key.byteOffset + offset, 8).getBigUint64(0)
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`readU64Key: ${value} is not a safe integer`)
  return Number(value)
}

/** UTF-8 bytes of a string key part. */
export function textKey (text: string): Uint8Array {
  return encoder.encode(text)
}

/** Concatenates key parts. Callers keep parts fixed-width (or last) so concatenation stays unambiguous. */
export function joinKey (...parts: Uint8Array[]): Uint8Array {
  return concat(parts)
}

/**
 * The smallest key greater than every key that starts with `prefix`, or undefined when there is none
 * (an empty or all-0xff prefix): the exclusive upper bound of a prefix scan.
 */
export function prefixEnd (prefix: Uint8Array): Uint8Array | undefined {
  for (let i = prefix.byteLength - 1; i >= 0; i--) {
    const byte = prefix[i] as number
    if (byte !== 0xff) {
      const out = prefix.slice(0, i + 1)
      out[i] = byte + 1
      return out
    }
  }
  return undefined
}

/** Bytewise comparison, the order LevelDB keeps keys in. */
export function compareKeys (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.byteLength - b.byteLength
}
