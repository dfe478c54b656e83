/**
 * Test fixtures for the mempool: a tiny transaction type and an in-memory ledger view whose nonces and
 * verdicts the test controls, plus a seeded PRNG for the property test.
 */
import { mempool, type CheckFailure, type Mempool, type MempoolInit, type MempoolTx } from '../../../src/ledger/mempool/index.ts'

export interface FixtureTx {
  from: string
  nonce: number
  priority: number
  size: number
}

/** A submission with a readable id `from:nonce:priority:size[:tag]` (distinct tags make distinct ids). */
export function fixtureTx (from: string, nonce: number, priority = 1, size = 100, tag = ''): MempoolTx<FixtureTx> {
  const id = `${from}:${nonce}:${priority}:${size}${tag === '' ? '' : `:${tag}`}`
  return { id, from, nonce, priority, size, tx: { from, nonce, priority, size } }
}

/** Account nonces and refusals the test sets; `check` and `accountNonce` read them live. */
export class FixtureLedger {
  readonly nonces = new Map<string, number>()
  /** Refuse a transaction when this returns a failure. */
  refuse: (tx: FixtureTx) => CheckFailure | undefined = () => undefined
  checks = 0

  readonly check = (tx: FixtureTx): CheckFailure | undefined => {
    this.checks += 1
    return this.refuse(tx)
  }

  readonly accountNonce = (from: string): number => this.nonces.get(from) ?? 0

  /** Applies committed transactions the way a final block would: each sender's nonce moves past them. */
  commit (txs: Iterable<{ from: string, nonce: number }>): void {
    for (const t of txs) this.nonces.set(t.from, Math.max(this.accountNonce(t.from), t.nonce + 1))
  }
}

export function fixturePool (init: MempoolInit = {}, ledger = new FixtureLedger()): { pool: Mempool<FixtureTx>, ledger: FixtureLedger } {
  return { pool: mempool<FixtureTx>(init)({ check: ledger.check, accountNonce: ledger.accountNonce }), ledger }
}

/** Ids of a list of entries, for compact assertions. */
export function ids (entries: Iterable<{ id: string }>): string[] {
  return [...entries].map((e) => e.id)
}

/** mulberry32: a small seeded PRNG, so a failing property run replays from its printed seed. */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
