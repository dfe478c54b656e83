/**
 * Random operations against a small pool, checking the invariants after every step. Each run is
 * seeded; a failure names its seed so it replays exactly.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isMempoolRefusal, type Mempool, type MempoolEntry, type MempoolInit } from '../../../src/ledger/mempool/index.ts'
import { FixtureLedger, fixturePool, fixtureTx, prng, type FixtureTx } from './fixtures.ts'

const INIT = { maxTxs: 24, maxBytes: 8_000, maxPerSender: 12, maxQueuedPerSender: 4, maxNonceGap: 5 } satisfies MempoolInit
const SENDERS = ['a', 'b', 'c', 'd', 'e', 'f']

function checkInvariants (pool: Mempool<FixtureTx>, ledger: FixtureLedger): void {
  const all = [...pool]
  assert.equal(pool.size, all.length, 'size matches the entries')
  assert.equal(pool.bytes, all.reduce((n, e) => n + e.size, 0), 'byte accounting is exact')
  assert.ok(pool.size <= INIT.maxTxs, 'count bound')
  assert.ok(pool.bytes <= INIT.maxBytes, 'byte bound')
  assert.equal(new Set(all.map((e) => e.id)).size, all.length, 'ids unique')
  for (const e of all) {
    assert.equal(pool.get(e.id), e)
    assert.equal(ledger.refuse(e.tx), undefined, 'the pool holds nothing the ledger refuses')
  }

  const reaped = pool.reap()
  let held = 0
  for (const s of SENDERS) {
    const pending = pool.pending(s)
    held += pending.length
    const base = ledger.accountNonce(s)
    for (let i = 0; i < pending.length; i++) {
      assert.ok(pending[i]!.nonce >= base, `${s}: no stale nonce`)
      if (i > 0) assert.ok(pending[i]!.nonce > pending[i - 1]!.nonce, `${s}: pending sorted by nonce`)
    }
    let run = 0
    while (run < pending.length && pending[run]!.nonce === base + run) run++
    assert.ok(pending.length <= INIT.maxPerSender, `${s}: per-sender quota`)
    assert.ok(pending.length - run <= INIT.maxQueuedPerSender, `${s}: queued quota`)
    assert.equal(pool.nextNonce(s), base + run)
    // Unlimited reaping yields exactly each sender's executable run, in nonce order.
    assert.deepEqual(reaped.filter((e) => e.from === s).map((e) => e.nonce), pending.slice(0, run).map((e) => e.nonce),
      `${s}: reap takes the executable run without gaps`)
  }
  assert.equal(held, pool.size, 'every entry belongs to its sender queue')
  // Block order: each taken tx was the best head available at its turn.
  const next = new Map(SENDERS.map((s) => [s, ledger.accountNonce(s)]))
  for (const e of reaped) {
    for (const s of SENDERS) {
      const head = pool.pending(s).find((h) => h.nonce === next.get(s))
      if (head !== undefined && head !== e) {
        assert.ok(e.priority > head.priority || (e.priority === head.priority && e.arrival < head.arrival), 'reap order')
      }
    }
    next.set(e.from, e.nonce + 1)
  }
}

/** How often each outcome happened over all runs, so the test proves it exercised them. */
const seen = new Map<string, number>()
const saw = (what: string): void => { seen.set(what, (seen.get(what) ?? 0) + 1) }

function run (seed: number, steps: number): void {
  const rnd = prng(seed)
  const int = (n: number): number => Math.floor(rnd() * n)
  const { pool, ledger } = fixturePool(INIT)
  let tag = 0
  for (let step = 0; step < steps; step++) {
    const op = rnd()
    if (op < 0.85) {
      const from = SENDERS[int(SENDERS.length)]!
      const nonce = Math.max(0, pool.nextNonce(from) + int(9) - 2)
      const size = int(10) === 0 ? 2_000 + int(2_000) : 100 + int(400)
      // A few exact resubmissions (same id) to exercise deduplication.
      const input = int(15) === 0 ? fixtureTx(from, nonce, 1, 100, 'dup') : fixtureTx(from, nonce, 1 + int(5), size, `${tag++}`)
      try {
        const { evicted, replaced } = pool.add(input)
        saw('admitted')
        if (evicted.length > 0) saw('evicted')
        if (replaced !== undefined) saw('replaced')
        for (const gone of evicted) {
          const above = pool.pending(gone.from).filter((e) => e.nonce > gone.nonce)
          assert.deepEqual(above, [], 'eviction takes tails only, never opening a hole')
        }
      } catch (err) {
        if (!isMempoolRefusal(err)) throw err
        saw(err.code)
        if (err.name === 'MempoolError') assert.notEqual(err.code, 'INVALID_ENTRY')
      }
    } else {
      // A final block: a prefix of what the pool would propose, maybe plus an outside tx, then a new
      // ledger verdict on some senders (mana spent), then update.
      const block: Array<MempoolEntry<FixtureTx> | ReturnType<typeof fixtureTx>> = pool.reap({ maxTxs: int(12), maxBytes: 6_000 })
      if (int(4) === 0) {
        const from = SENDERS[int(SENDERS.length)]!
        block.push(fixtureTx(from, ledger.accountNonce(from), 1, 100, `outside${tag++}`))
      }
      ledger.commit(block.map((b) => b.tx))
      const poor = new Set(SENDERS.filter(() => int(8) === 0))
      const bigOnly = int(3) === 0
      ledger.refuse = (tx) => poor.has(tx.from) && (!bigOnly || tx.size > 300) ? { code: 'INSUFFICIENT_MANA', message: 'poor' } : undefined
      const result = pool.update({ ids: block.map((b) => b.id) })
      for (const e of result.committed) assert.equal(pool.has(e.id), false)
      for (const d of result.dropped) assert.equal(pool.has(d.entry.id), false)
      for (const d of result.dropped) saw(`dropped ${d.code}`)
      if (result.committed.length > 0) saw('committed')
      if (result.promoted.length > 0) saw('promoted')
    }
    checkInvariants(pool, ledger)
  }
}

test('random operations never break the invariants', () => {
  for (let seed = 1; seed <= 30; seed++) {
    try {
      run(seed, 300)
    } catch (err) {
      if (err instanceof Error) err.message = `seed ${seed}: ${err.message}`
      throw err
    }
  }
  const outcomes = ['admitted', 'evicted', 'replaced', 'committed', 'promoted', 'ALREADY_KNOWN', 'NONCE_TOO_LOW',
    'NONCE_TOO_HIGH', 'SENDER_QUEUE_FULL', 'REPLACEMENT_UNDERPRICED', 'MEMPOOL_FULL', 'INSUFFICIENT_MANA',
    'dropped NONCE_TOO_LOW', 'dropped INSUFFICIENT_MANA']
  for (const what of outcomes) assert.ok((seen.get(what) ?? 0) > 0, `the runs exercised ${what}`)
})
