/**
 * Binary Merkle trees over ordered lists (transaction ids, receipts), as in RFC 6962 / RFC 9162:
 * leaf = H(0x00 ‖ data), node = H(0x01 ‖ left ‖ right), the left subtree holding the largest power of
 * two below n, and H('') for the empty list. Prefixes keep leaves and nodes apart and no node is ever
 * duplicated, so two different lists cannot share a root. Inclusion proofs let another shard check a
 * receipt against a block's receiptsRoot (SPEC §8) without the whole block.
 */
import { sha256 } from '../../codec/index.ts'

export interface InclusionProof {
  index: number
  /**
   * Number of leaves in the tree. The root does not bind it, so a verifier takes it from an
   * authenticated source (a block's transaction count), not from the prover.
   */
  total: number
  /** Sibling hashes from the leaf up. */
  path: Uint8Array[]
}

function leafHash (data: Uint8Array): Uint8Array {
  const buf = new Uint8Array(data.byteLength + 1)
  buf.set(data, 1)
  return sha256(buf)
}

function nodeHash (left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(65)
  buf[0] = 1
  buf.set(left, 1)
  buf.set(right, 33)
  return sha256(buf)
}

/** Largest power of two strictly below n (n ≥ 2). */
function split (n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

function rootOf (hashes: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  if (hi - lo === 1) return hashes[lo]!
  const k = split(hi - lo)
  return nodeHash(rootOf(hashes, lo, lo + k), rootOf(hashes, lo + k, hi))
}

export function merkleRoot (items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256(new Uint8Array(0))
  return rootOf(items.map(leafHash), 0, items.length)
}

function pathOf (hashes: readonly Uint8Array[], index: number, lo: number, hi: number, out: Uint8Array[]): void {
  if (hi - lo === 1) return
  const k = split(hi - lo)
  if (index < lo + k) {
    pathOf(hashes, index, lo, lo + k, out)
    out.push(rootOf(hashes, lo + k, hi))
  } else {
    pathOf(hashes, index, lo + k, hi, out)
    out.push(rootOf(hashes, lo, lo + k))
  }
}

export function merkleProof (items: readonly Uint8Array[], index: number): InclusionProof {
  if (!Number.isInteger(index) || index < 0 || index >= items.length) throw new RangeError(`no leaf ${index} among ${items.length}`)
  const path: Uint8Array[] = []
  pathOf(items.map(leafHash), index, 0, items.length, path)
  return { index, total: items.length, path }
}

function equal (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0
}

/** True when `item` is leaf `proof.index` of a tree of `proof.total` leaves with root `root` (RFC 9162 §2.1.3.2). */
export function verifyMerkleProof (root: Uint8Array, item: Uint8Array, proof: InclusionProof): boolean {
  const { index, total, path } = proof
  if (!Number.isInteger(index) || !Number.isInteger(total) || index < 0 || index >= total) return false
  let fn = index
  let sn = total - 1
  let r = leafHash(item)
  for (const p of path) {
    if (sn === 0) return false
    if ((fn & 1) === 1 || fn === sn) {
      r = nodeHash(p, r)
      if ((fn & 1) === 0) {
        while ((fn & 1) === 0 && fn !== 0) {
          fn >>= 1
          sn >>= 1
        }
      }
    } else {
      r = nodeHash(r, p)
    }
    fn >>= 1
    sn >>= 1
  }
  return sn === 0 && equal(r, root)
}
