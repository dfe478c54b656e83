/**
 * Ledger test fixtures: deterministic keys from fixed seeds, a small genesis, and a driver that builds,
 * validates (as a second node would) and commits blocks with real commit certificates.
 */
import { keyPairFromSeed, type KeyPair } from '../../src/identity/index.ts'
import { signVote, VoteType, type Commit } from '../../src/consensus/messages.ts'
import {
  parseGenesis, networkIdOf, LedgerChain, buildTx, getChain, blockId,
  type Genesis, type Tx, type TxType, type TxPayloads, type Block, type ExecutedBlock
} from '../../src/ledger/index.ts'
import type { CID } from '../../src/codec/index.ts'

export function key (n: number): KeyPair {
  return keyPairFromSeed(new Uint8Array(32).fill(n))
}

export const V = [key(1), key(2), key(3), key(4)] as const
export const alice = key(10)
export const bob = key(11)
export const carol = key(12)
/** Not a member and without an account. */
export const stranger = key(13)

export const T0 = 1_735_689_600_000
export const BLOCK_MS = 5_000

export function genesisJson (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    network: 'icn-test',
    initialTime: T0,
    members: [
      ...V.map((k, i) => ({ did: k.did, profile: { name: `validator-${i + 1}` }, reputation: { validation: 200, community_building: 10 }, balance: 1_000 })),
      { did: alice.did, profile: { name: 'alice' }, reputation: { development: 50 }, balance: 100_000 },
      { did: bob.did, profile: { name: 'bob' }, balance: 500 },
      { did: carol.did, profile: { name: 'carol' } }
    ],
    validators: V.map((k) => ({ did: k.did })),
    cooperatives: [{ id: 'bakery', name: 'Bakery', purpose: 'Bread for the neighbourhood', founder: alice.did, members: [{ did: bob.did, role: 'baker' }] }],
    ...overrides
  }
}

export function testGenesis (overrides: Record<string, unknown> = {}): Genesis {
  return parseGenesis(genesisJson(overrides))
}

export const KEYS_BY_DID = new Map<string, KeyPair>([...V, alice, bob, carol, stranger].map((k) => [k.did, k]))

export interface NextOptions {
  round?: number
  /** Milliseconds after the parent; default BLOCK_MS. */
  gap?: number
  /** Validators that do not sign this block's commit. */
  absent?: string[]
}

/** A chain on one "node", plus a second replica that validates every block independently. */
export class TestChain {
  readonly genesis: Genesis
  readonly network: CID
  readonly chain: LedgerChain
  readonly replica: LedgerChain
  readonly blocks: Block[] = []
  lastCommit: Commit | null = null
  readonly nonces = new Map<string, number>()
  lastExecuted: ExecutedBlock | undefined

  constructor (genesis: Genesis = testGenesis()) {
    this.genesis = genesis
    this.network = networkIdOf(genesis)
    this.chain = LedgerChain.fromGenesis(genesis)
    this.replica = LedgerChain.fromGenesis(genesis)
  }

  get time (): number { return getChain(this.chain.state).time }

  /** A signed transaction from `k` with its next nonce (tracked here), timestamped at chain time. */
  tx<T extends TxType> (k: KeyPair, type: T, payload: TxPayloads[T], opts: { nonce?: number, timestamp?: number } = {}): Tx {
    const nonce = opts.nonce ?? this.nonces.get(k.did) ?? 0
    if (opts.nonce === undefined) this.nonces.set(k.did, nonce + 1)
    return buildTx(k, { type, payload, nonce, network: this.network, timestamp: opts.timestamp ?? this.time }) as Tx
  }

  /** Builds the next block from `txs`, validates it on the replica, commits both, signs its commit. */
  next (txs: Tx[] = [], opts: NextOptions = {}): { block: Block, executed: ExecutedBlock } {
    const round = opts.round ?? 0
    const built = this.chain.build({ timestamp: this.chain.head.timestamp + (opts.gap ?? BLOCK_MS), round, lastCommit: this.lastCommit }, txs)
    const executed = this.replica.validate(built.block)
    this.replica.commit(built.block, executed)
    this.chain.commit(built.block, built.executed)
    this.blocks.push(built.block)
    this.lastExecuted = built.executed
    this.lastCommit = commitFor(this, built.block, executed, round, opts.absent ?? [])
    return { block: built.block, executed: built.executed }
  }
}

/** A commit for `block` signed by every validator of its set except `absent`. */
export function commitFor (tc: TestChain, block: Block, executed: ExecutedBlock, round: number, absent: string[]): Commit {
  const id = blockId(block.header)
  const signatures = executed.validators.validators
    .filter((v) => !absent.includes(v.did))
    .map((v) => {
      const vote = signVote(KEYS_BY_DID.get(v.did)!, {
        network: tc.network, shard: 0, height: block.header.height, round, type: VoteType.Precommit, block: id, validator: v.did
      })
      return { validator: v.did, signature: vote.signature }
    })
  return { height: block.header.height, round, block: id, signatures }
}

export function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}
