import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Mempool, MempoolEntry } from '../../../src/ledger/mempool/index.ts'
import { fixturePool, fixtureTx, ids, prng, type FixtureTx } from './fixtures.ts'

test('reap orders by priority, then arrival', () => {
  const { pool } = fixturePool()
  for (const t of [fixtureTx('a', 0, 1), fixtureTx('b', 0, 3), fixtureTx('c', 0, 3), fixtureTx('d', 0, 2)]) pool.add(t)
  assert.deepEqual(ids(pool.reap()), ['b:0:3:100', 'c:0:3:100', 'd:0:2:100', 'a:0:1:100'])
})

test('reap keeps nonce order per sender even when a later nonce has the higher priority', () => {
  const { pool } = fixturePool()
  pool.add(fixtureTx('a', 1, 5)) // queued first, arrives first
  pool.add(fixtureTx('b', 0, 3))
  pool.add(fixtureTx('a', 0, 1))
  assert.deepEqual(ids(pool.reap()), ['b:0:3:100', 'a:0:1:100', 'a:1:5:100'])
})

test('reap returns only executable transactions', () => {
  const { pool, ledger } = fixturePool()
  ledger.nonces.set('a', 5)
  for (const t of [fixtureTx('a', 5), fixtureTx('a', 7), fixtureTx('b', 1)]) pool.add(t)
  assert.deepEqual(ids(pool.reap()), ['a:5:1:100'])
})

test('reap honours the count limit', () => {
  const { pool } = fixturePool()
  for (const t of [fixtureTx('a', 0, 1), fixtureTx('b', 0, 3), fixtureTx('c', 0, 2)]) pool.add(t)
  assert.deepEqual(ids(pool.reap({ maxTxs: 2 })), ['b:0:3:100', 'c:0:2:100'])
  assert.deepEqual(pool.reap({ maxTxs: 0 }), [])
})

test('reap honours the byte limit: a head that does not fit drops its sender, smaller ones still fit', () => {
  const { pool } = fixturePool()
  for (const t of [fixtureTx('a', 0, 4, 500), fixtureTx('a', 1, 4, 50), fixtureTx('b', 0, 3, 100), fixtureTx('c', 0, 1, 300)]) pool.add(t)
  // a:0 does not fit 400 bytes, so a:1 (which depends on it) is out too; b:0 then c:0 fit exactly.
  assert.deepEqual(ids(pool.reap({ maxBytes: 400 })), ['b:0:3:100', 'c:0:1:300'])
  assert.deepEqual(ids(pool.reap({ maxBytes: 399 })), ['b:0:3:100'])
})

test('reap removes nothing: a transaction leaves only when its block is final', () => {
  const { pool } = fixturePool()
  pool.add(fixtureTx('a', 0))
  assert.deepEqual(ids(pool.reap()), ['a:0:1:100'])
  assert.deepEqual(ids(pool.reap()), ['a:0:1:100'])
  assert.equal(pool.size, 1)
})

test('two pools fed the same sequence reap the same list', () => {
  const feed = (pool: Mempool<FixtureTx>): void => {
    const rnd = prng(7)
    for (let i = 0; i < 500; i++) {
      const from = `s${Math.floor(rnd() * 40)}`
      try {
        pool.add(fixtureTx(from, Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 5), 50 + Math.floor(rnd() * 500), `${i}`))
      } catch { /* refusals are part of the sequence */ }
    }
  }
  const one = fixturePool({ maxTxs: 200, maxBytes: 60_000 }).pool
  const two = fixturePool({ maxTxs: 200, maxBytes: 60_000 }).pool
  feed(one)
  feed(two)
  assert.ok(one.reap().length > 0)
  assert.deepEqual(ids(one.reap({ maxTxs: 120, maxBytes: 30_000 })), ids(two.reap({ maxTxs: 120, maxBytes: 30_000 })))
  assert.deepEqual(ids(one), ids(two))
})

/** The obvious quadratic selection the heap must agree with: repeatedly take the best sender head. */
function referenceReap (pool: Mempool<FixtureTx>, senders: string[], maxTxs: number, nonceOf: (s: string) => number): string[] {
  const next = new Map(senders.map((s) => [s, nonceOf(s)]))
  const out: string[] = []
  while (out.length < maxTxs) {
    let best: MempoolEntry<FixtureTx> | undefined
    for (const s of senders) {
      const head = pool.pending(s).find((e) => e.nonce === next.get(s))
      if (head === undefined) continue
      if (best === undefined || head.priority > best.priority || (head.priority === best.priority && head.arrival < best.arrival)) best = head
    }
    if (best === undefined) break
    out.push(best.id)
    next.set(best.from, best.nonce + 1)
  }
  return out
}

test('reaping 5,000 of 10,000 agrees with the quadratic reference', () => {
  const { pool, ledger } = fixturePool()
  const rnd = prng(42)
  const senders = Array.from({ length: 500 }, (_, i) => `s${i}`)
  for (const s of senders) ledger.nonces.set(s, Math.floor(rnd() * 3))
  // 20 transactions per sender, in shuffled nonce order so some arrive queued and are filled in later.
  const subs = senders.flatMap((s) => Array.from({ length: 20 }, (_, k) => ({ s, nonce: ledger.accountNonce(s) + k })))
  for (let i = subs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[subs[i], subs[j]] = [subs[j]!, subs[i]!]
  }
  // Within the default gap and queued quotas, so every submission is admitted.
  for (const { s, nonce } of subs) pool.add(fixtureTx(s, nonce, 1 + Math.floor(rnd() * 5)))
  assert.equal(pool.size, 10_000)
  const reaped = pool.reap({ maxTxs: 5_000 })
  assert.equal(reaped.length, 5_000)
  assert.deepEqual(ids(reaped), referenceReap(pool, senders, 5_000, ledger.accountNonce))
})
