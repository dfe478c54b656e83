/**
 * Ledger benchmarks.
 * - Signed transfers validated and applied per second on one core: a block of 5000 transfers from
 *   1000 senders is built (admission with signature verification, execution, state root), then
 *   validated by a "peer" from its encoded bytes (decode, verification, re-execution) and committed.
 *   Signature caches are cleared before each, so every signature is verified.
 * - State-root update cost at 10k, 100k and 1M accounts: µs to compute the new root for a block of
 *   1000 account writes and for a single write. The figures should stay flat as the state grows: the
 *   tree rehashes the ~log2(n) nodes above each write, not the state.
 * `npx node bench/ledger.ts` prints a table; `run()` returns the figures for bench/run.ts.
 */
import { encode } from '../src/codec/index.ts'
import { keyPairFromSeed, type KeyPair } from '../src/identity/index.ts'
import {
  parseGenesis, networkIdOf, LedgerChain, LedgerState, buildTx, decodeBlock, encodeBlock, clearVerifiedSignatures, clearDecodedTxs,
  type Tx
} from '../src/ledger/index.ts'

const T0 = 1_735_689_600_000
const SENDERS = 1000
const TXS_PER_SENDER = 5

function keyOf (i: number): KeyPair {
  const seed = new Uint8Array(32)
  new DataView(seed.buffer).setUint32(0, i + 1)
  return keyPairFromSeed(seed)
}

function now (): number {
  return performance.now()
}

/** mulberry32, so runs pick the same keys. */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function transferThroughput (): Record<string, number> {
  const validators = [0, 1, 2, 3].map((i) => keyOf(1_000_000 + i))
  const senders = Array.from({ length: SENDERS }, (_, i) => keyOf(i))
  const genesis = parseGenesis({
    network: 'bench',
    initialTime: T0,
    consensus: { maxBlockTxs: SENDERS * TXS_PER_SENDER, maxBlockBytes: 16 * 1024 * 1024 },
    members: [
      ...validators.map((k) => ({ did: k.did, profile: { name: 'v' }, reputation: { validation: 200 } })),
      ...senders.map((k) => ({ did: k.did, profile: { name: 's' }, balance: 1_000_000 }))
    ],
    validators: validators.map((k) => ({ did: k.did }))
  })
  const network = networkIdOf(genesis)
  const txs: Tx[] = []
  for (let n = 0; n < TXS_PER_SENDER; n++) {
    for (let i = 0; i < SENDERS; i++) {
      txs.push(buildTx(senders[i]!, { type: 'transfer', payload: { to: senders[(i + 1 + n) % SENDERS]!.did, amount: 1 + n }, nonce: n, network, timestamp: T0 }) as Tx)
    }
  }
  // Three runs on fresh chains (the first warms the JIT); the median is reported.
  const builds: number[] = []
  const validations: number[] = []
  let bytes: Uint8Array = new Uint8Array(0)
  for (let run = 0; run < 3; run++) {
    const proposer = LedgerChain.fromGenesis(genesis)
    const peer = LedgerChain.fromGenesis(genesis)
    clearVerifiedSignatures()
    let t = now()
    const built = proposer.build({ timestamp: T0 + 5000, round: 0, lastCommit: null }, txs)
    builds.push(now() - t)
    if (built.block.txs.length !== txs.length) throw new Error(`only ${built.block.txs.length} of ${txs.length} included`)
    bytes = encodeBlock(built.block)
    // a peer that never saw these transactions (as in sync): nothing verified or decoded before
    clearVerifiedSignatures()
    clearDecodedTxs()
    t = now()
    const block = decodeBlock(bytes)
    peer.commit(block, peer.validate(block))
    validations.push(now() - t)
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!
  const buildMs = median(builds)
  const validateMs = median(validations)
  return {
    'transfers.perBlock': txs.length,
    'transfers.build.txPerSec': Math.round(txs.length / (buildMs / 1000)),
    'transfers.validate.txPerSec': Math.round(txs.length / (validateMs / 1000)),
    'transfers.validate.usPerTx': Math.round((validateMs * 1000) / txs.length),
    'transfers.blockBytes': bytes.byteLength
  }
}

function accountKey (i: number): string {
  return `acct/did:key:z6Mk${String(i).padStart(44, '0')}`
}

function accountValue (i: number, salt: number): Uint8Array {
  return encode({ balance: i + salt, mana: 1000, manaAt: T0, nonce: salt })
}

function rootCost (size: number, rounds: number): Record<string, number> {
  const utf8 = new TextEncoder()
  let t = now()
  const state = LedgerState.fromEntries((function * () {
    for (let i = 0; i < size; i++) yield { key: utf8.encode(accountKey(i)), value: accountValue(i, 0) }
  })())
  const loadMs = now() - t
  const random = prng(size)
  let blockUs = 0
  let singleUs = 0
  for (let r = 1; r <= rounds; r++) {
    const overlay = state.overlay()
    for (let j = 0; j < 1000; j++) {
      const i = Math.floor(random() * size)
      overlay.write(accountKey(i), { balance: i + r, mana: 1000, manaAt: T0, nonce: r })
    }
    t = now()
    const changes = overlay.changes()
    blockUs += (now() - t) * 1000
    state.apply(changes)
    const single = state.overlay()
    const i = Math.floor(random() * size)
    single.write(accountKey(i), { balance: -r, mana: 1, manaAt: T0, nonce: r })
    t = now()
    const one = single.changes()
    singleUs += (now() - t) * 1000
    state.apply(one)
  }
  const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`
  return {
    [`stateRoot.${label}.loadMs`]: Math.round(loadMs),
    [`stateRoot.${label}.block1000.us`]: Math.round(blockUs / rounds),
    [`stateRoot.${label}.single.us`]: Math.round(singleUs / rounds)
  }
}

export async function run (): Promise<Record<string, number>> {
  // Warm up the JIT on a small state so the first size measured is not penalized.
  rootCost(5_000, 5)
  return {
    ...transferThroughput(),
    ...rootCost(10_000, 30),
    ...rootCost(100_000, 30),
    ...rootCost(1_000_000, 30)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await run()
  console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value })))
}
