import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore, StoreError, textKey, u64Key, readU64Key, joinKey, prefixEnd, compareKeys } from '../../src/storage/index.ts'
import { CodecError, z } from '../../src/codec/index.ts'

const k = (s: string): Uint8Array => textKey(s)
const str = (b: Uint8Array | undefined): string | undefined => b === undefined ? undefined : new TextDecoder().decode(b)

async function collect<T> (it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

async function tempDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-store-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

test('namespaces are isolated: the same key in two namespaces holds two values', async () => {
  const store = await openStore({ memory: true })
  const a = store.namespace('a')
  const b = store.namespace('b')
  await a.put(k('x'), k('in a'))
  await b.put(k('x'), k('in b'))
  assert.equal(str(await a.get(k('x'))), 'in a')
  assert.equal(str(await b.get(k('x'))), 'in b')
  await a.del(k('x'))
  assert.equal(await a.get(k('x')), undefined)
  assert.equal(str(await b.get(k('x'))), 'in b')
  // a namespace whose name is a prefix of another's sees none of its keys
  await store.namespace('ab').put(k('y'), k('1'))
  assert.deepEqual((await collect(a.keys())).map(str), [])
  // nested namespaces are isolated from their parent's keys
  await a.namespace('inner').put(k('z'), k('2'))
  assert.deepEqual((await collect(a.keys())).map(str), [])
  assert.deepEqual((await collect(a.namespace('inner').keys())).map(str), ['z'])
  assert.equal(store.namespace('a'), a, 'the same name gives the same namespace')
  assert.equal(store.namespace('a.inner'), a.namespace('inner'))
  await store.close()
})

test('namespace names are restricted', async () => {
  const store = await openStore({ memory: true })
  for (const bad of ['', 'a!b', 'with space', 'é', 'a..b', '.a']) {
    assert.throws(() => store.namespace(bad), (e: unknown) => e instanceof StoreError && e.code === 'BAD_NAMESPACE', bad)
  }
  await store.close()
})

test('a batch commits to several namespaces at once', async () => {
  const store = await openStore({ memory: true })
  const blocks = store.namespace('blocks')
  const index = store.namespace('txindex')
  await blocks.put(k('old'), k('gone soon'))
  await store.write((batch) => {
    batch.put(blocks, u64Key(1), k('block 1')).putCbor(index, k('tx1'), { height: 1 }).del(blocks, k('old'))
  })
  assert.equal(str(await blocks.get(u64Key(1))), 'block 1')
  assert.deepEqual(await index.getCbor(k('tx1'), z.strictObject({ height: z.number() })), { height: 1 })
  assert.equal(await blocks.has(k('old')), false)
  await store.close()
})

test('apply() turns {key, value|null} writes into puts and deletes in the same batch', async () => {
  const store = await openStore({ memory: true })
  const state = store.namespace('state')
  const blocks = store.namespace('blocks')
  await state.put(k('gone'), k('x'))
  await store.write((batch) => {
    batch.put(blocks, u64Key(7), k('block 7')).apply(state, [{ key: k('a'), value: k('1') }, { key: k('gone'), value: null }])
  })
  assert.deepEqual((await collect(state.entries())).map(([key, v]) => [str(key), str(v)]), [['a', '1']])
  assert.equal(str(await blocks.get(u64Key(7))), 'block 7')
  await store.close()
})

test('a batch whose build throws writes nothing, in any namespace', async () => {
  const store = await openStore({ memory: true })
  const a = store.namespace('a')
  const b = store.namespace('b')
  await assert.rejects(store.write((batch) => {
    batch.put(a, k('1'), k('one'))
    batch.put(b, k('2'), k('two'))
    batch.putCbor(b, k('3'), { amount: 1.5 }) // floats have no canonical form: throws while building
  }), (e: unknown) => e instanceof CodecError && e.code === 'NOT_CANONICAL')
  await assert.rejects(store.write(async (batch) => {
    batch.put(a, k('4'), k('four'))
    throw new Error('check failed')
  }), /check failed/)
  assert.deepEqual(await collect(a.keys()), [])
  assert.deepEqual(await collect(b.keys()), [])
  await store.close()
})

test('a batch is written once', async () => {
  const store = await openStore({ memory: true })
  const ns = store.namespace('n')
  const batch = store.batch().put(ns, k('a'), k('1'))
  assert.equal(batch.length, 1)
  await batch.write()
  await assert.rejects(batch.write(), (e: unknown) => e instanceof StoreError && e.code === 'BATCH_WRITTEN')
  assert.throws(() => batch.put(ns, k('b'), k('2')), (e: unknown) => e instanceof StoreError && e.code === 'BATCH_WRITTEN')
  const other = await openStore({ memory: true })
  assert.throws(() => store.batch().put(other.namespace('n'), k('a'), k('1')), (e: unknown) => e instanceof StoreError && e.code === 'BAD_NAMESPACE')
  await other.close()
  await store.close()
})

test('iteration follows key order, by prefix and by range, forwards and backwards', async () => {
  const store = await openStore({ memory: true })
  const ns = store.namespace('blocks')
  // written out of order; big-endian heights sort numerically (2 before 10 before 256)
  for (const h of [256, 2, 10, 0, 65536]) await ns.put(u64Key(h), k(`h${h}`))
  await ns.put(joinKey(k('tx/'), k('b')), k('tb'))
  await ns.put(joinKey(k('tx/'), k('a')), k('ta'))
  await ns.put(k('ty'), k('not in tx/'))

  const heights = (await collect(ns.keys({ lt: u64Key(Number.MAX_SAFE_INTEGER) }))).map((key) => readU64Key(key))
  assert.deepEqual(heights, [0, 2, 10, 256, 65536])
  const mid = (await collect(ns.keys({ gte: u64Key(2), lt: u64Key(256) }))).map((key) => readU64Key(key))
  assert.deepEqual(mid, [2, 10])
  const top = (await collect(ns.keys({ lt: u64Key(Number.MAX_SAFE_INTEGER), reverse: true, limit: 2 }))).map((key) => readU64Key(key))
  assert.deepEqual(top, [65536, 256])

  assert.deepEqual((await collect(ns.values({ prefix: k('tx/') }))).map(str), ['ta', 'tb'])
  assert.deepEqual((await collect(ns.entries({ prefix: k('tx/'), reverse: true }))).map(([key, v]) => [str(key), str(v)]), [['tx/b', 'tb'], ['tx/a', 'ta']])
  await assert.rejects(ns.keys({ prefix: k('tx/'), gt: k('a') }).next(), (e: unknown) => e instanceof StoreError && e.code === 'BAD_RANGE')

  // leaving a loop early releases the iterator; the store still closes
  for await (const key of ns.keys()) { assert.ok(key); break }
  await ns.clear({ prefix: k('tx/') })
  assert.deepEqual((await collect(ns.keys({ prefix: k('t') }))).map(str), ['ty'])
  await store.close()
})

test('getCbor decodes strictly: a stored value that breaks the schema names the field', async () => {
  const store = await openStore({ memory: true })
  const ns = store.namespace('n')
  await ns.putCbor(k('v'), { height: 'ten' })
  await assert.rejects(ns.getCbor(k('v'), z.strictObject({ height: z.number() })), (e: unknown) => e instanceof CodecError && e.field === 'height')
  assert.equal(await ns.getCbor(k('missing'), z.number()), undefined)
  await store.close()
})

test('on disk: data survives close and reopen; a second opener is refused; closed store refuses work', async (t) => {
  const dir = await tempDir(t)
  const path = join(dir, 'db')
  const store = await openStore({ path })
  const ns = store.namespace('state')
  await store.write((b) => { b.put(ns, k('a'), k('1')).put(store.namespace('meta'), k('b'), k('2')) }, { sync: true })
  await assert.rejects(openStore({ path }), (e: unknown) => e instanceof StoreError && e.code === 'LOCKED')
  await store.close()
  await store.close() // idempotent
  await assert.rejects(ns.get(k('a')), (e: unknown) => e instanceof StoreError && e.code === 'CLOSED')

  const again = await openStore({ path })
  assert.equal(again.location, path)
  assert.equal(str(await again.namespace('state').get(k('a'))), '1')
  assert.equal(str(await again.namespace('meta').get(k('b'))), '2')
  await again.close()
})

test('key helpers', () => {
  assert.deepEqual([...u64Key(258)], [0, 0, 0, 0, 0, 0, 1, 2])
  assert.equal(readU64Key(joinKey(k('x'), u64Key(Number.MAX_SAFE_INTEGER)), 1), Number.MAX_SAFE_INTEGER)
  assert.throws(() => u64Key(-1), RangeError)
  assert.throws(() => readU64Key(u64Key(2n ** 63n)), RangeError)
  assert.deepEqual(prefixEnd(Uint8Array.of(1, 0xff)), Uint8Array.of(2))
  assert.equal(prefixEnd(Uint8Array.of(0xff, 0xff)), undefined)
  assert.equal(prefixEnd(new Uint8Array()), undefined)
  assert.ok(compareKeys(u64Key(2), u64Key(10)) < 0)
  assert.ok(compareKeys(k('ab'), k('a')) > 0)
  assert.equal(compareKeys(k('a'), k('a')), 0)
})
