import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { MemoryLevel } from 'memory-level'
import { encode } from '../../src/codec/index.ts'
import { openStore, Store, type Batch, type Bytes } from '../../src/storage/index.ts'
import { ChainError, openChain, type ChainStore } from '../../src/chain/index.ts'
import { genesisBlock, getAccount, Keys, txId } from '../../src/ledger/index.ts'
import { alice, bob, carol, commitNext, hex, nextBlock, tempDir, testGenesis, txOn, V } from './helpers.ts'

const genesis = testGenesis()

/** A store over a memory database that can be reopened (a new Store on the same database). */
function memoryDb (): MemoryLevel<Bytes, Bytes> {
  return new MemoryLevel<Bytes, Bytes>({ keyEncoding: 'view', valueEncoding: 'view', storeEncoding: 'view' })
}

/** A store whose batch writes can be made to fail: before anything reaches the database, or after. */
class FlakyStore extends Store {
  fail: 'no' | 'before' | 'after' = 'no'

  override batch (): Batch {
    const batch = super.batch()
    const mode = this.fail
    if (mode === 'no') return batch
    const write = batch.write.bind(batch)
    batch.write = async (options) => {
      if (mode === 'before') {
        batch.discard()
        throw new Error('simulated crash: the batch never reached the disk')
      }
      await write(options)
      throw new Error('simulated failure reported after the batch landed')
    }
    return batch
  }
}

/** Canonical bytes as hex: compares values whose byte arrays may be Buffers on one side. */
function canon (value: unknown): string {
  return hex(encode(value))
}

function stateRoot (chain: ChainStore): string {
  return hex(chain.ledger.state.stateRoot())
}

function code (c: string) {
  return (e: unknown) => e instanceof ChainError && e.code === c
}

test('the first open persists genesis; a restart resumes at the same head, state root and head commit', async (t) => {
  const dir = await tempDir(t)
  const path = join(dir, 'db')
  let store = await openStore({ path })
  let chain = await openChain(store, genesis)
  assert.equal(chain.height, 0)
  assert.equal(chain.headCid.toString(), genesisBlock(genesis).id.toString())
  assert.equal(chain.headCommit, null)

  for (let i = 0; i < 3; i++) await commitNext(chain, [txOn(chain.ledger, alice, 'transfer', { to: bob.did, amount: 10 + i })])
  const before = { height: chain.height, cid: chain.headCid.toString(), root: stateRoot(chain), commit: chain.headCommit }
  assert.equal(before.height, 3)
  assert.equal(chain.finalizedHeight, 3, 'every stored block is final')
  assert.equal(chain.finalizedCid.toString(), before.cid)
  await store.close()

  store = await openStore({ path })
  t.after(async () => { await store.close() })
  chain = await openChain(store, genesis)
  assert.equal(chain.height, before.height)
  assert.equal(chain.headCid.toString(), before.cid)
  assert.equal(stateRoot(chain), before.root)
  assert.equal(canon(chain.headCommit), canon(before.commit))
  assert.equal(getAccount(chain.ledger.state, bob.did)?.balance, 500 + 10 + 11 + 12)

  // the reopened chain goes on: the next block carries the stored head commit as its lastCommit
  const next = await commitNext(chain, [txOn(chain.ledger, alice, 'transfer', { to: carol.did, amount: 5 })])
  assert.equal(chain.height, 4)
  assert.equal(canon(next.block.header.lastCommit), canon(before.commit))
})

test('a block whose batch never reaches the disk leaves memory and disk at the previous head; a retry succeeds', async (t) => {
  const db = memoryDb()
  await db.open()
  t.after(async () => { await db.close() })
  const store = new FlakyStore(db, ':memory:')
  const chain = await openChain(store, genesis)
  await commitNext(chain, [txOn(chain.ledger, alice, 'transfer', { to: bob.did, amount: 1 })])
  const root = stateRoot(chain)
  const cid = chain.headCid.toString()

  const next = nextBlock(chain.ledger, chain.headCommit, [txOn(chain.ledger, alice, 'transfer', { to: bob.did, amount: 2 })])
  store.fail = 'before'
  await assert.rejects(chain.commit(next.block, next.commit, next.executed), code('WRITE_FAILED'))
  assert.equal(chain.height, 1, 'memory did not move ahead of the disk')
  assert.equal(stateRoot(chain), root)
  assert.equal(await chain.txLocation(txId(next.block.txs[0]!)), undefined)

  const reopened = await openChain(new Store(db, ':memory:'), genesis)
  assert.equal(reopened.height, 1)
  assert.equal(reopened.headCid.toString(), cid)
  assert.equal(stateRoot(reopened), root)

  store.fail = 'no'
  await chain.commit(next.block, next.commit, next.executed)
  assert.equal(chain.height, 2)
  const again = await openChain(new Store(db, ':memory:'), genesis)
  assert.equal(again.height, 2)
  assert.equal(stateRoot(again), stateRoot(chain))
})

test('a write reported as failed after it landed: memory follows the disk', async (t) => {
  const db = memoryDb()
  await db.open()
  t.after(async () => { await db.close() })
  const store = new FlakyStore(db, ':memory:')
  const chain = await openChain(store, genesis)
  const next = nextBlock(chain.ledger, chain.headCommit, [])
  store.fail = 'after'
  await chain.commit(next.block, next.commit, next.executed)
  assert.equal(chain.height, 1)
  const reopened = await openChain(new Store(db, ':memory:'), genesis)
  assert.equal(stateRoot(reopened), stateRoot(chain))
})

test('a damaged state is detected at open: a changed, a deleted or an extra entry is a root mismatch', async (t) => {
  const db = memoryDb()
  await db.open()
  t.after(async () => { await db.close() })
  const chain = await openChain(new Store(db, ':memory:'), genesis)
  await commitNext(chain, [txOn(chain.ledger, alice, 'transfer', { to: bob.did, amount: 7 })])
  await commitNext(chain)

  const state = new Store(db, ':memory:').namespace('chain-0').namespace('state')
  const key = new TextEncoder().encode(Keys.account(bob.did))
  const original = await state.get(key)
  assert.ok(original !== undefined)

  const damages: Array<[string, () => Promise<void>]> = [
    ['changed', async () => { await state.put(key, encode({ balance: 1_000_000, mana: 0, manaAt: 0, nonce: 0 })) }],
    ['deleted', async () => { await state.del(key) }],
    ['extra', async () => { await state.put(new TextEncoder().encode('acct/intruder'), encode({ balance: 1 })) }]
  ]
  for (const [what, damage] of damages) {
    await damage()
    await assert.rejects(openChain(new Store(db, ':memory:'), genesis), code('STATE_ROOT_MISMATCH'), what)
    // repair
    await state.del(new TextEncoder().encode('acct/intruder'))
    await state.put(key, original)
    assert.equal((await openChain(new Store(db, ':memory:'), genesis)).height, 2, `repaired after ${what}`)
  }
})

test('a database of another genesis is refused', async (t) => {
  const db = memoryDb()
  await db.open()
  t.after(async () => { await db.close() })
  await openChain(new Store(db, ':memory:'), genesis)
  await assert.rejects(openChain(new Store(db, ':memory:'), testGenesis({ network: 'icn-other' })), code('GENESIS_MISMATCH'))
})

test('the transaction index finds final transactions and their receipts, failed ones too', async () => {
  const store = await openStore({ memory: true })
  const chain = await openChain(store, genesis)
  const ok = txOn(chain.ledger, alice, 'transfer', { to: carol.did, amount: 3 })
  const failing = txOn(chain.ledger, bob, 'transfer', { to: carol.did, amount: 900 })
  const { block } = await commitNext(chain, [ok, failing])
  assert.equal(block.txs.length, 2)

  assert.deepEqual(await chain.txLocation(txId(ok)), { height: 1, index: 0 })
  assert.deepEqual(await chain.txLocation(txId(failing)), { height: 1, index: 1 })
  const r0 = await chain.receipt(txId(ok))
  assert.equal(r0?.receipt.ok, true)
  assert.equal(r0?.receipt.tx.toString(), txId(ok).toString())
  const r1 = await chain.receipt(txId(failing))
  assert.equal(r1?.receipt.ok, false)
  assert.equal(r1?.receipt.code, 'INSUFFICIENT_BALANCE')
  assert.ok((r1?.receipt.mana ?? 0) > 0, 'a failed transaction is still charged')

  const never = txOn(chain.ledger, alice, 'transfer', { to: carol.did, amount: 4 })
  assert.equal(await chain.txLocation(txId(never)), undefined)
  assert.equal(await chain.receipt(txId(never)), undefined)
  await store.close()
})

test('blocks read back by height, by CID and in ranges, with their commits and receipts', async () => {
  const store = await openStore({ memory: true })
  const chain = await openChain(store, genesis)
  const committed = []
  for (let i = 0; i < 3; i++) committed.push(await commitNext(chain, [txOn(chain.ledger, V[i]!, 'transfer', { to: bob.did, amount: 1 })]))

  const all = await chain.blocksRange(0, 10)
  assert.deepEqual(all.map((b) => b.height), [0, 1, 2, 3])
  assert.equal(all[0]?.commit, null, 'genesis has no commit')
  assert.equal(all[0]?.cid.toString(), genesisBlock(genesis).id.toString())
  for (const [i, c] of committed.entries()) {
    const stored = all[i + 1]!
    assert.equal(stored.cid.toString(), c.commit.block.toString())
    assert.equal(canon(stored.commit), canon(c.commit))
    assert.equal(canon(stored.block), canon(c.block))
    assert.equal(canon(stored.receipts), canon(c.executed.receipts))
  }
  assert.deepEqual((await chain.blocksRange(2, 1)).map((b) => b.height), [2])
  assert.deepEqual((await chain.blocksRange(2, 5)).map((b) => b.height), [2, 3])
  assert.deepEqual(await chain.blocksRange(4, 2), [])
  assert.equal(await chain.blockAt(4), undefined)
  assert.equal(await chain.blockAt(-1), undefined)
  assert.equal((await chain.blockByCid(committed[1]!.commit.block))?.height, 2)
  assert.equal(await chain.blockByCid(txId(committed[0]!.block.txs[0]!)), undefined)
  assert.equal(canon(await chain.commitAt(3)), canon(committed[2]!.commit))
  assert.equal(await chain.commitAt(0), undefined)
  await store.close()
})

test('commit refuses a block that is not the head\'s child and a certificate that is not a valid one for it', async () => {
  const store = await openStore({ memory: true })
  const chain = await openChain(store, genesis)
  const first = await commitNext(chain)
  await assert.rejects(chain.commit(first.block, first.commit, first.executed), code('NOT_NEXT'))

  const next = nextBlock(chain.ledger, chain.headCommit, [])
  const weak = { ...next.commit, signatures: next.commit.signatures.slice(0, 1) }
  await assert.rejects(chain.commit(next.block, weak), code('INVALID_COMMIT'))
  await assert.rejects(chain.commit(next.block, first.commit, next.executed), code('INVALID_COMMIT'))
  assert.equal(chain.height, 1)
  // without an ExecutedBlock the block is validated first, then stored
  await chain.commit(next.block, next.commit)
  assert.equal(chain.height, 2)
  await store.close()
})

test('an ExecutedBlock computed on another state version is refused', async () => {
  const store = await openStore({ memory: true })
  const chain = await openChain(store, genesis)
  const a = nextBlock(chain.ledger, chain.headCommit, [])
  await chain.commit(a.block, a.commit, a.executed)
  const b = nextBlock(chain.ledger, chain.headCommit, [])
  // a block built on the head, then an executed result of the previous head passed with it
  await assert.rejects(chain.commit(b.block, b.commit, a.executed), (e: unknown) => e instanceof ChainError && e.code === 'STALE_EXECUTION')
  await store.close()
})
