import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { openStore, type Store } from '../../src/storage/index.ts'
import { SubmitError, type SubmitErrorKind } from '../../src/chain/index.ts'
import { ledgerService, type BlockEventDetail, type LedgerService, type TxEventDetail } from '../../src/node/index.ts'
import { encodeTx, networkIdOf, txId, buildTx, type Tx } from '../../src/ledger/index.ts'
import { nextEvent } from '../helpers/wait.ts'
import { alice, bob, carol, nextBlock, stranger, tempDir, testGenesis, txOn, T0, V } from '../chain/helpers.ts'

const genesis = testGenesis()

interface Setup { service: LedgerService, store: Store, clock: { now: number } }

async function setup (t: { after: (fn: () => Promise<void>) => void }, opts: { path?: string, maxTxs?: number } = {}): Promise<Setup> {
  const store = await openStore(opts.path !== undefined ? { path: opts.path } : { memory: true })
  t.after(async () => { await store.close() })
  const clock = { now: T0 }
  const service = ledgerService(opts.maxTxs !== undefined ? { mempool: { maxTxs: opts.maxTxs } } : {})({ store, genesis, now: () => clock.now })
  await service.start()
  return { service, store, clock }
}

/** Builds the next block from the mempool's candidates and commits it through the service. */
async function commitFromMempool (service: LedgerService, extra: Tx[] = []): Promise<void> {
  const { chain } = service
  const next = nextBlock(chain.ledger, chain.headCommit, [...extra, ...service.candidates()])
  await service.commitBlock(next.block, next.commit, next.executed)
}

function refusal (code: string, kind: SubmitErrorKind) {
  return (e: unknown) => e instanceof SubmitError && e.code === code && e.kind === kind
}

test('a submitted transaction is pending, then final with its receipt once its block is committed', async (t) => {
  const { service } = await setup(t)
  const tx = txOn(service.chain.ledger, alice, 'transfer', { to: bob.did, amount: 25 })
  const txEvent = nextEvent<CustomEvent<TxEventDetail>>(service, 'tx')
  const { id } = await service.submit(encodeTx(tx))
  assert.equal(id.toString(), txId(tx).toString())
  assert.equal((await txEvent).detail.id.toString(), id.toString())
  assert.deepEqual(await service.txStatus(id), { status: 'pending', id })
  assert.deepEqual(service.candidates().map((c) => txId(c).toString()), [id.toString()])
  assert.deepEqual(service.status()?.mempool, { size: 1, bytes: encodeTx(tx).byteLength })
  assert.equal(service.account(alice.did)?.nextNonce, 1, 'the next nonce counts the pending transaction')
  assert.equal(service.account(alice.did)?.nonce, 0)

  const blockEvent = nextEvent<CustomEvent<BlockEventDetail>>(service, 'block')
  await commitFromMempool(service)
  const { detail } = await blockEvent
  assert.equal(detail.height, 1)
  assert.equal(detail.txs, 1)
  assert.equal(detail.cid.toString(), service.chain.headCid.toString())

  const status = await service.txStatus(id)
  assert.equal(status.status, 'final')
  assert.ok(status.status === 'final')
  assert.equal(status.height, 1)
  assert.equal(status.index, 0)
  assert.equal(status.receipt.ok, true)
  assert.equal(service.mempool.has(id.toString()), false, 'the mempool forgot it')
  assert.deepEqual(service.candidates(), [])
  assert.equal(service.account(bob.did)?.balance, 525)
  assert.deepEqual(service.status(), {
    height: 1,
    headCid: service.chain.headCid.toString(),
    finalizedHeight: 1,
    finalizedCid: service.chain.headCid.toString(),
    headTime: service.chain.head.timestamp,
    shard: 0,
    shards: 1,
    mempool: { size: 0, bytes: 0 }
  })
})

test('duplicates are refused: a pending one as ALREADY_KNOWN, a final one as ALREADY_FINAL', async (t) => {
  const { service } = await setup(t)
  const tx = txOn(service.chain.ledger, alice, 'transfer', { to: bob.did, amount: 1 })
  await service.submit(encodeTx(tx))
  await assert.rejects(service.submit(encodeTx(tx)), refusal('ALREADY_KNOWN', 'conflict'))
  await commitFromMempool(service)
  await assert.rejects(service.submit(encodeTx(tx)), refusal('ALREADY_FINAL', 'conflict'))
  // another transaction reusing the final nonce
  const replay = txOn(service.chain.ledger, alice, 'transfer', { to: bob.did, amount: 2 }, { nonce: 0 })
  await assert.rejects(service.submit(encodeTx(replay)), refusal('NONCE_TOO_LOW', 'conflict'))
})

test('refusals carry the ledger\'s or the mempool\'s code and a kind', async (t) => {
  const { service } = await setup(t, { maxTxs: 2 })
  const ledger = service.chain.ledger
  await assert.rejects(service.submit(Uint8Array.of(0xa1, 0x61)), refusal('MALFORMED', 'malformed'))
  const good = txOn(ledger, alice, 'transfer', { to: bob.did, amount: 1 })
  await assert.rejects(service.submit(new Uint8Array(service.maxTxBytes + 1)), refusal('TX_TOO_LARGE', 'too_large'))

  const tampered = encodeTx({ ...good, signature: new Uint8Array(64).fill(9) } as Tx)
  await assert.rejects(service.submit(tampered), refusal('BAD_SIGNATURE', 'refused'))
  const otherNetwork = buildTx(alice, { type: 'transfer', payload: { to: bob.did, amount: 1 }, nonce: 0, network: networkIdOf(testGenesis({ network: 'elsewhere' })), timestamp: T0 })
  await assert.rejects(service.submit(encodeTx(otherNetwork as Tx)), refusal('WRONG_NETWORK', 'refused'))
  await assert.rejects(service.submit(encodeTx(txOn(ledger, stranger, 'transfer', { to: bob.did, amount: 1 }))), refusal('UNKNOWN_SENDER', 'refused'))
  await assert.rejects(service.submit(encodeTx(txOn(ledger, bob, 'transfer', { to: carol.did, amount: 400_000 }))), refusal('INSUFFICIENT_MANA', 'refused'))
  const stale = buildTx(alice, { type: 'transfer', payload: { to: bob.did, amount: 1 }, nonce: 0, network: ledger.head.network, timestamp: T0 - 2 * 86_400_000 })
  await assert.rejects(service.submit(encodeTx(stale as Tx)), refusal('TX_EXPIRED', 'refused'))
  const gap = txOn(ledger, alice, 'transfer', { to: bob.did, amount: 1 }, { nonce: 1000 })
  await assert.rejects(service.submit(encodeTx(gap)), refusal('NONCE_TOO_HIGH', 'conflict'))

  // the pool holds two: a third at the same priority cannot evict anything
  await service.submit(encodeTx(good))
  await service.submit(encodeTx(txOn(ledger, V[0], 'transfer', { to: bob.did, amount: 1 })))
  await assert.rejects(service.submit(encodeTx(txOn(ledger, V[1], 'transfer', { to: bob.did, amount: 1 }))), refusal('MEMPOOL_FULL', 'full'))
  assert.equal(service.mempool.size, 2, 'nothing refused was admitted')
})

test('a committed block drops pending transactions it made stale; only final blocks move the pool', async (t) => {
  const { service } = await setup(t)
  const ledger = service.chain.ledger
  const pending = txOn(ledger, alice, 'transfer', { to: bob.did, amount: 1 })
  const { id } = await service.submit(encodeTx(pending))
  // a block (e.g. from another proposer) with a different transaction for the same nonce
  const rival = txOn(ledger, alice, 'transfer', { to: carol.did, amount: 2 })
  const next = nextBlock(ledger, service.chain.headCommit, [rival])
  assert.equal((await service.txStatus(id)).status, 'pending', 'building and validating a block changes nothing')
  await service.commitBlock(next.block, next.commit, next.executed)
  assert.equal((await service.txStatus(id)).status, 'unknown')
  assert.equal((await service.txStatus(txId(rival))).status, 'final')
  assert.equal(service.mempool.size, 0)
})

test('queries answer as of the head: accounts, members, reputation', async (t) => {
  const { service } = await setup(t)
  const account = service.account(alice.did)
  assert.ok(account !== undefined)
  assert.equal(account.balance, 100_000)
  assert.equal(account.mana, account.manaCapacity, 'a genesis account starts full')
  assert.equal(service.account(stranger.did), undefined)
  const member = service.member(V[0].did)
  assert.equal(member?.profile.name, 'validator-1')
  assert.equal(member?.validator.candidate, true)
  assert.equal(member?.validator.active, true)
  assert.equal(service.member(alice.did)?.validator.active, false)
  assert.equal(service.member(stranger.did), undefined)
  const rep = service.reputation(V[0].did)
  assert.equal(rep?.categories.validation, 200_000)
  assert.equal(rep?.total, 200_000 + 13_000, 'validation 200 × 1.0 + community_building 10 × 1.3, in milli-points')
  assert.equal(service.reputation(stranger.did), undefined)
  assert.equal((await service.block(0))?.height, 0)
  assert.equal(await service.block(1), undefined)
})

test('a restart on the same database keeps the head and the transaction index; the mempool starts empty', async (t) => {
  const dir = await tempDir(t, 'icn-ledger-')
  const path = join(dir, 'db')
  const first = await setup(t, { path })
  const final = txOn(first.service.chain.ledger, alice, 'transfer', { to: bob.did, amount: 3 })
  await first.service.submit(encodeTx(final))
  await commitFromMempool(first.service)
  const pending = txOn(first.service.chain.ledger, alice, 'transfer', { to: bob.did, amount: 4 })
  await first.service.submit(encodeTx(pending))
  const head = first.service.status()
  await first.service.stop()
  await first.store.close()

  const second = await setup(t, { path })
  assert.equal(second.service.status()?.height, head?.height)
  assert.equal(second.service.status()?.headCid, head?.headCid)
  const status = await second.service.txStatus(txId(final))
  assert.equal(status.status, 'final')
  assert.equal(status.status === 'final' ? status.height : -1, 1)
  assert.equal((await second.service.txStatus(txId(pending))).status, 'unknown', 'the mempool is not persisted')
  await second.service.submit(encodeTx(pending))
  await commitFromMempool(second.service)
  assert.equal(second.service.status()?.height, 2)
})

test('admit takes a decoded transaction (gossip\'s path): same rules, its source in the event', async (t) => {
  const { service } = await setup(t)
  const ledger = service.chain.ledger
  const tx = txOn(ledger, alice, 'transfer', { to: bob.did, amount: 5 })
  const txEvent = nextEvent<CustomEvent<TxEventDetail>>(service, 'tx')
  const id = service.admit(tx, encodeTx(tx), { source: 'gossip' })
  assert.equal(id.toString(), txId(tx).toString())
  assert.equal((await txEvent).detail.source, 'gossip')
  assert.equal(service.mempool.size, 1)
  assert.throws(() => service.admit(tx, encodeTx(tx)), refusal('ALREADY_KNOWN', 'conflict'))
  const forged = { ...txOn(ledger, bob, 'transfer', { to: alice.did, amount: 1 }), signature: new Uint8Array(64).fill(3) } as Tx
  assert.throws(() => service.admit(forged, encodeTx(forged)), refusal('BAD_SIGNATURE', 'refused'))
  assert.throws(() => service.admit(txOn(ledger, bob, 'transfer', { to: carol.did, amount: 400_000 }), encodeTx(txOn(ledger, bob, 'transfer', { to: carol.did, amount: 400_000 }))), refusal('INSUFFICIENT_MANA', 'refused'))
  assert.equal(service.mempool.size, 1, 'nothing refused was admitted')
})

test('a full pool refuses with MEMPOOL_FULL before the signature is checked', async (t) => {
  const { service } = await setup(t, { maxTxs: 1 })
  const ledger = service.chain.ledger
  await service.submit(encodeTx(txOn(ledger, alice, 'transfer', { to: bob.did, amount: 1 })))
  const forged = { ...txOn(ledger, bob, 'transfer', { to: alice.did, amount: 1 }), signature: new Uint8Array(64).fill(3) } as Tx
  await assert.rejects(service.submit(encodeTx(forged)), refusal('MEMPOOL_FULL', 'full'), 'refused as full, not as a bad signature: nothing was verified')
  const higher = buildTx(bob, { type: 'transfer', payload: { to: alice.did, amount: 1 }, nonce: 0, priority: 3, network: ledger.head.network, timestamp: ledger.head.timestamp }) as Tx
  await service.submit(encodeTx(higher))
  assert.ok(service.mempool.has(txId(higher).toString()), 'a higher priority still gets in by eviction')
})
