/**
 * The authenticated structure behind the state root: a sparse Merkle tree over sha256(key), with
 * single-leaf subtrees collapsed into their leaf (the shape Diem's Jellyfish tree uses).
 *
 * Why this and not a fixed-fanout bucket tree: a bucket's hash covers every entry in the bucket, so
 * with B buckets the cost of one update grows as n/B — linear in the state size once n ≫ B. Here a
 * random key sits at depth ≈ log2(n) (about 20 at a million entries, 14 at ten thousand), so an update
 * rehashes ~log2(n) nodes and a block of k writes rehashes each shared ancestor once: the cost follows
 * what the block changes, not the state size. The root is a function of the key/value set only (not of
 * insertion order), so a state loaded from persisted entries reproduces it exactly.
 *
 * Hashes (all sha256):
 *   empty subtree = 32 zero bytes
 *   leaf          = H(0x00 ‖ H(key) ‖ H(value))
 *   branch        = H(0x01 ‖ left ‖ right)           (a subtree with ≥ 2 leaves)
 *   a subtree holding exactly one leaf hashes as that leaf, whatever its depth.
 *
 * Nodes are immutable: an update returns a new tree that shares every untouched subtree with the old
 * one, so an overlay computes its root without touching the committed tree, and discarding it costs
 * nothing. Hashes are held as 32-character latin1 strings (half the memory of a Buffer per node).
 */
import { createHash } from 'node:crypto'

const HASH_CHARS = 32
const MAX_DEPTH = 256
export const EMPTY_HASH = '\0'.repeat(HASH_CHARS)

export class Leaf {
  /** H(key): the leaf's position in the tree. */
  readonly path: string
  readonly hash: string

  constructor (path: string, hash: string) {
    this.path = path
    this.hash = hash
  }
}

export class Branch {
  readonly left: TreeNode
  readonly right: TreeNode
  readonly hash: string

  constructor (left: TreeNode, right: TreeNode) {
    this.left = left
    this.right = right
    this.hash = h('\x01' + hashOf(left) + hashOf(right))
  }
}

export type TreeNode = Leaf | Branch | null

/** One change to apply: put a leaf at `path`, or delete what is there (`leaf: null`). */
export interface TreeUpdate { path: string, leaf: Leaf | null }

function h (latin1: string): string {
  return createHash('sha256').update(latin1, 'latin1').digest('binary')
}

function hashOf (node: TreeNode): string {
  return node === null ? EMPTY_HASH : node.hash
}

function bit (path: string, depth: number): number {
  return (path.charCodeAt(depth >> 3) >> (7 - (depth & 7))) & 1
}

export function pathOf (key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('binary')
}

export function makeLeaf (key: string, value: Uint8Array): Leaf {
  const path = pathOf(key)
  const valueHash = createHash('sha256').update(value).digest('binary')
  return new Leaf(path, h('\x00' + path + valueHash))
}

/** A branch in canonical form: no empty branch, no branch above a lone leaf. */
function branch (left: TreeNode, right: TreeNode): TreeNode {
  if (left === null) {
    if (right === null || right instanceof Leaf) return right
  } else if (right === null && left instanceof Leaf) {
    return left
  }
  return new Branch(left, right)
}

function firstWithBit (items: ReadonlyArray<{ path: string }>, lo: number, hi: number, depth: number): number {
  let mid = lo
  while (mid < hi && bit(items[mid]!.path, depth) === 0) mid++
  return mid
}

/** The canonical subtree of `leaves[lo, hi)` (sorted by path, distinct) rooted at `depth`. */
function build (leaves: readonly Leaf[], lo: number, hi: number, depth: number): TreeNode {
  if (hi - lo === 0) return null
  if (hi - lo === 1) return leaves[lo]!
  if (depth >= MAX_DEPTH) throw new Error('state tree: two leaves share a path')
  const mid = firstWithBit(leaves, lo, hi, depth)
  return branch(build(leaves, lo, mid, depth + 1), build(leaves, mid, hi, depth + 1))
}

function update (node: TreeNode, depth: number, ups: readonly TreeUpdate[], lo: number, hi: number): TreeNode {
  if (lo >= hi) return node
  if (node === null || node instanceof Leaf) {
    // Rebuild this (small) subtree from the surviving leaf and the new ones.
    const leaves: Leaf[] = []
    let existing: Leaf | null = node
    for (let i = lo; i < hi; i++) {
      const u = ups[i]!
      if (existing !== null && existing.path < u.path) {
        leaves.push(existing)
        existing = null
      } else if (existing !== null && existing.path === u.path) {
        existing = null
      }
      if (u.leaf !== null) leaves.push(u.leaf)
    }
    if (existing !== null) leaves.push(existing)
    return build(leaves, 0, leaves.length, depth)
  }
  const mid = firstWithBit(ups, lo, hi, depth)
  const left = update(node.left, depth + 1, ups, lo, mid)
  const right = update(node.right, depth + 1, ups, mid, hi)
  if (left === node.left && right === node.right) return node
  return branch(left, right)
}

/** An immutable authenticated map from key paths to leaf hashes. */
export class StateTree {
  readonly root: TreeNode

  constructor (root: TreeNode = null) {
    this.root = root
  }

  /** Builds the tree of a whole state at once: one hash per node. */
  static fromLeaves (leaves: Leaf[]): StateTree {
    const sorted = [...leaves].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.path === sorted[i - 1]!.path) throw new Error('state tree: duplicate key')
    }
    return new StateTree(build(sorted, 0, sorted.length, 0))
  }

  /** A new tree with `updates` applied (at most one per path); this one is unchanged. */
  apply (updates: TreeUpdate[]): StateTree {
    if (updates.length === 0) return this
    const sorted = [...updates].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    return new StateTree(update(this.root, 0, sorted, 0, sorted.length))
  }

  rootHash (): Uint8Array {
    return new Uint8Array(Buffer.from(hashOf(this.root), 'latin1'))
  }
}
