/**
 * Opening a chain: the first start persists the genesis state and block 0 in one batch; later starts
 * reload the state, check block 0 is this genesis's, and refuse to run when the state does not hash
 * to the head header's stateRoot (a damaged database must not produce blocks).
 */
import type { Commit } from '../consensus/messages.ts'
import type { SignatureVerifier } from '../consensus/verifier.ts'
import { LedgerChain, LedgerState, StateError, blockId, encodeBlock, genesisBlock, type Genesis } from '../ledger/index.ts'
import { u64Key, type Store } from '../storage/index.ts'
import { ChainStore } from './chain-store.ts'
import { ChainError } from './errors.ts'
import { HEAD_KEY, chainNamespaces, decodeStoredBlock, decodeStoredCommit, decodeStoredHeight, encodeReceipts, equalBytes } from './records.ts'

export interface OpenChainOptions {
  /** The shard this chain is. Default 0. */
  shard?: number
  /** Checks the precommit signatures of commits (e.g. consensus' caching verifier). Default: plain verification. */
  verifier?: SignatureVerifier
}

/**
 * Opens the chain of `genesis` in `store`: the first time it persists the genesis state and block 0;
 * later it reloads the state and the head and checks that they agree.
 */
export async function openChain (store: Store, genesis: Genesis, options: OpenChainOptions = {}): Promise<ChainStore> {
  const shard = options.shard ?? 0
  const ns = chainNamespaces(store, shard)
  const g = genesisBlock(genesis, shard)
  const headBytes = await ns.meta.get(HEAD_KEY)
  if (headBytes === undefined) {
    await store.write((batch) => {
      batch.apply(ns.state, g.state.entries())
      batch.put(ns.blocks, u64Key(0), encodeBlock(g.block))
      batch.put(ns.blockIds, g.id.bytes, u64Key(0))
      batch.put(ns.receipts, u64Key(0), encodeReceipts([]))
      batch.put(ns.meta, HEAD_KEY, u64Key(0))
    }, { sync: true })
    return new ChainStore({ store, ns, shard, verifier: options.verifier, ledger: new LedgerChain(g.state, g.block.header), headCommit: null })
  }

  const height = decodeStoredHeight(headBytes, 'head pointer')
  const storedGenesis = await ns.blocks.get(u64Key(0))
  if (storedGenesis === undefined) throw new ChainError('CORRUPT', 'block 0 is missing')
  const storedGenesisId = blockId(decodeStoredBlock(storedGenesis, 0).header)
  const sameGenesis: boolean = storedGenesisId.equals(g.id)
  if (!sameGenesis) {
    throw new ChainError('GENESIS_MISMATCH', `the stored genesis block ${storedGenesisId.toString()} is not this genesis's ${g.id.toString()}`)
  }
  const headBlock = await ns.blocks.get(u64Key(height))
  if (headBlock === undefined) throw new ChainError('CORRUPT', `the head block ${height} is missing`)
  const head = decodeStoredBlock(headBlock, height).header
  if (head.height !== height) throw new ChainError('CORRUPT', `the block stored at height ${height} says height ${head.height}`)

  const entries: Array<[Uint8Array, Uint8Array]> = []
  for await (const entry of ns.state.entries()) entries.push(entry)
  let state: LedgerState
  try {
    state = LedgerState.fromEntries(entries)
  } catch (err) {
    if (err instanceof StateError) throw new ChainError('CORRUPT', `the stored state does not load: ${err.message}`, { cause: err })
    throw err
  }
  if (!equalBytes(state.stateRoot(), head.stateRoot)) {
    throw new ChainError('STATE_ROOT_MISMATCH', `the stored state (${entries.length} entries) does not hash to the stateRoot of head block ${height}: the database is damaged`)
  }
  let ledger: LedgerChain
  try {
    ledger = new LedgerChain(state, head)
  } catch (err) {
    // A state with the right root but undecodable metadata cannot happen short of a hash collision.
    throw new ChainError('CORRUPT', `the stored state is not the state of block ${height}: ${(err as Error).message}`, { cause: err })
  }
  let headCommit: Commit | null = null
  if (height > 0) {
    const bytes = await ns.commits.get(u64Key(height))
    if (bytes === undefined) throw new ChainError('CORRUPT', `the commit of head block ${height} is missing`)
    headCommit = decodeStoredCommit(bytes, height)
  }
  return new ChainStore({ store, ns, shard, verifier: options.verifier, ledger, headCommit })
}

