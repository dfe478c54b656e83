import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { merkleRoot, merkleProof, verifyMerkleProof } from '../../src/ledger/index.ts'

const h = (...parts: Uint8Array[]): Uint8Array => createHash('sha256').update(Buffer.concat(parts)).digest()
const leaf = (d: Uint8Array): Uint8Array => h(Uint8Array.of(0), d)
const node = (l: Uint8Array, r: Uint8Array): Uint8Array => h(Uint8Array.of(1), l, r)
const items = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => Uint8Array.of(i, i + 1))

test('roots follow RFC 6962: empty, one leaf, unbalanced trees', () => {
  assert.deepEqual(merkleRoot([]), h(new Uint8Array(0)))
  const [a, b, c] = items(3) as [Uint8Array, Uint8Array, Uint8Array]
  assert.deepEqual(merkleRoot([a]), leaf(a))
  assert.deepEqual(merkleRoot([a, b]), node(leaf(a), leaf(b)))
  assert.deepEqual(merkleRoot([a, b, c]), node(node(leaf(a), leaf(b)), leaf(c)))
  // No duplication of the odd leaf: [a, b, c] and [a, b, c, c] differ.
  assert.notDeepEqual(merkleRoot([a, b, c]), merkleRoot([a, b, c, c]))
})

test('every leaf of trees of 1…33 leaves has a proof that verifies, and only for itself', () => {
  for (let n = 1; n <= 33; n++) {
    const xs = items(n)
    const root = merkleRoot(xs)
    for (let i = 0; i < n; i++) {
      const proof = merkleProof(xs, i)
      assert.ok(verifyMerkleProof(root, xs[i]!, proof), `n=${n} i=${i}`)
      assert.equal(verifyMerkleProof(root, Uint8Array.of(255), proof), false)
      if (n > 1) assert.equal(verifyMerkleProof(root, xs[i]!, { ...proof, index: (i + 1) % n }), false)
      if (n > 1) assert.equal(verifyMerkleProof(root, xs[i]!, { ...proof, path: proof.path.slice(1) }), false)
    }
  }
  assert.throws(() => merkleProof(items(3), 3), RangeError)
})
