import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { keyPairFromSeed } from '../../src/identity/index.ts'
import { decodeTx, txId, verifyTxSignature, networkIdOf, parseGenesis } from '../../src/ledger/index.ts'
import { assignAccounts, dueOffsetMs, signTransfers } from '../../src/load/index.ts'

function key (i: number): ReturnType<typeof keyPairFromSeed> {
  const seed = new Uint8Array(32)
  seed[0] = i + 1
  return keyPairFromSeed(seed)
}

describe('signing ahead', () => {
  const keys = [0, 1, 2].map(key)
  const genesis = parseGenesis({
    network: 'load-test',
    initialTime: 1_000,
    members: keys.map((k) => ({ did: k.did, profile: { name: 'm' }, reputation: { validation: 200 } })),
    validators: keys.map((k) => ({ did: k.did }))
  })
  const network = networkIdOf(genesis)
  const slots = assignAccounts(3, 2)

  test('each transfer is signed by its account, with consecutive nonces, stamped with its due time', () => {
    const planned = signTransfers({ keys, slots, nonces: [5, 0, 9], total: 7, rate: 4, startAt: 10_000, network, shards: 1 })
    assert.deepEqual(planned.map((p) => p.account), [0, 1, 2, 0, 1, 2, 0])
    assert.deepEqual(planned.map((p) => p.nonce), [5, 0, 9, 6, 1, 10, 7])
    assert.deepEqual(planned.map((p) => p.target), [0, 1, 0, 0, 1, 0, 0])
    for (const p of planned) {
      const tx = decodeTx(p.bytes)
      assert.equal(p.timestamp, 10_000 + dueOffsetMs(p.index, 4))
      assert.equal(tx.timestamp, p.timestamp)
      assert.equal(tx.from, keys[p.account]!.did)
      assert.equal(tx.nonce, p.nonce)
      assert.equal(tx.type, 'transfer')
      assert.deepEqual(tx.payload, { to: keys[slots[p.account]!.recipient]!.did, amount: 1 })
      assert.equal(txId(tx).toString(), p.id)
      assert.ok(verifyTxSignature(tx))
    }
  })

  test('a slice [from, to) is the same as the whole run cut there', () => {
    const whole = signTransfers({ keys, slots, nonces: [0, 0, 0], total: 10, rate: 100, startAt: 0, network, shards: 1 })
    const slice = signTransfers({ keys, slots, nonces: [0, 0, 0], total: 10, rate: 100, startAt: 0, network, shards: 1, from: 4, to: 8 })
    assert.deepEqual(slice.map((p) => p.id), whole.slice(4, 8).map((p) => p.id))
  })
})
