import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../src/codec/index.ts'
import { PeerTable } from '../../src/network/peers.ts'
import type { Status } from '../../src/network/index.ts'

const status: Status = { networkId: cidOf({ n: 1 }), protocolVersion: 1, did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }

describe('PeerTable', () => {
  it('keeps a refused peer refused until its refusal expires', () => {
    let now = 1_000
    const table = new PeerTable(() => now)
    table.refuse('a', 500)
    assert.equal(table.isRefused('a'), true)
    assert.equal(table.isRefused('b'), false)
    now = 1_499
    assert.equal(table.isRefused('a'), true)
    now = 1_500
    assert.equal(table.isRefused('a'), false)
  })

  it('reports a verification once and forgets it when the peer leaves', () => {
    const table = new PeerTable()
    assert.equal(table.isVerified('a'), false)
    assert.equal(table.markVerified('a', status), true)
    assert.equal(table.markVerified('a', status), false)
    assert.equal(table.isVerified('a'), true)
    assert.deepEqual(table.verifiedPeers().map((r) => r.peerId), ['a'])
    table.delete('a')
    assert.equal(table.isVerified('a'), false)
  })

  it('resolves waiters true on verification and false when the peer is dropped', async () => {
    const table = new PeerTable()
    table.ensure('a')
    table.ensure('b')
    const a = table.whenVerified('a', 60_000)
    const b = table.whenVerified('b', 60_000)
    table.markVerified('a', status)
    table.delete('b')
    assert.equal(await a, true)
    assert.equal(await b, false)
    assert.equal(await table.whenVerified('unknown', 60_000), false)
    assert.equal(await table.whenVerified('a', 60_000), true)
  })

  it('gives up waiting after the given time', async () => {
    const table = new PeerTable()
    table.ensure('a')
    assert.equal(await table.whenVerified('a', 5), false)
    assert.deepEqual(table.get('a')?.waiters, [])
  })

  it('fires an armed deadline unless the peer is verified first, and clear() disarms all', async () => {
    const table = new PeerTable()
    const fired = await new Promise<string>((resolve) => { table.armDeadline('late', 5, () => { resolve('late') }) })
    assert.equal(fired, 'late')

    const quick = table.ensure('quick')
    table.armDeadline('quick', 60_000, () => { assert.fail('verified peer hit its deadline') })
    assert.notEqual(quick.deadline, undefined)
    table.markVerified('quick', status)
    assert.equal(quick.deadline, undefined, 'verification disarms the deadline')

    const gone = table.ensure('gone')
    table.armDeadline('gone', 60_000, () => { assert.fail('cleared peer hit its deadline') })
    table.clear()
    assert.equal(gone.deadline, undefined, 'clear() disarms every deadline')
    assert.equal(table.get('gone'), undefined)
  })
})
