/**
 * Chain test fixtures: blocks built on a ChainStore's head from the ledger tests' genesis, with commit
 * certificates signed by the genesis validators' keys (test/ledger/helpers.ts), and temp directories.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CID } from '../../src/codec/index.ts'
import { buildCommit } from '../../src/consensus/commit.ts'
import { signVote, VoteType, type Commit } from '../../src/consensus/messages.ts'
import type { KeyPair } from '../../src/identity/index.ts'
import {
  blockId, buildTx, getAccount, type Block, type ExecutedBlock, type LedgerChain, type Tx, type TxPayloads, type TxType
} from '../../src/ledger/index.ts'
import type { ChainStore } from '../../src/chain/index.ts'
import { BLOCK_MS, KEYS_BY_DID } from '../ledger/helpers.ts'

export { testGenesis, genesisJson, V, alice, bob, carol, stranger, T0, BLOCK_MS } from '../ledger/helpers.ts'

/** A commit for `block` signed by every validator of its set except `absent`. */
export function signCommit (network: CID, block: Block, executed: ExecutedBlock, opts: { round?: number, absent?: string[] } = {}): Commit {
  const id = blockId(block.header)
  const round = opts.round ?? 0
  const votes = executed.validators.validators
    .filter((v) => !(opts.absent ?? []).includes(v.did))
    .map((v) => {
      const key = KEYS_BY_DID.get(v.did)
      if (key === undefined) throw new Error(`no test key for validator ${v.did}`)
      return signVote(key, { network, shard: 0, height: block.header.height, round, type: VoteType.Precommit, block: id, validator: v.did })
    })
  return buildCommit(block.header.height, round, id, votes)
}

export interface NextBlock { block: Block, commit: Commit, executed: ExecutedBlock }

/** The next block on `ledger`'s head from `txs`, `gap` ms after it, with its commit (not committed). */
export function nextBlock (ledger: LedgerChain, lastCommit: Commit | null, txs: Tx[] = [], opts: { gap?: number, round?: number } = {}): NextBlock {
  const round = opts.round ?? 0
  const built = ledger.build({ timestamp: ledger.head.timestamp + (opts.gap ?? BLOCK_MS), round, lastCommit }, txs)
  return { block: built.block, executed: built.executed, commit: signCommit(ledger.head.network, built.block, built.executed, { round }) }
}

/** Builds, commits and returns the next block of `chain`. */
export async function commitNext (chain: ChainStore, txs: Tx[] = [], opts: { gap?: number } = {}): Promise<NextBlock> {
  const next = nextBlock(chain.ledger, chain.headCommit, txs, opts)
  await chain.commit(next.block, next.commit, next.executed)
  return next
}

/** A transaction from `key` with its account's next nonce (or `nonce`), timestamped at the head's time. */
export function txOn<T extends TxType> (ledger: LedgerChain, key: KeyPair, type: T, payload: TxPayloads[T], opts: { nonce?: number } = {}): Tx {
  const nonce = opts.nonce ?? getAccount(ledger.state, key.did)?.nonce ?? 0
  return buildTx(key, { type, payload, nonce, network: ledger.head.network, timestamp: ledger.head.timestamp }) as Tx
}

export function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

export async function tempDir (t: { after: (fn: () => Promise<void>) => void }, prefix = 'icn-chain-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}
