/**
 * The genesis block: height 0, no parent, no proposer, no transactions; its state root is the genesis
 * state's. Its CID (not the network id, which is the genesis document's) is block 1's parent and seeds
 * block 1's proposer draw.
 */
import type { CID } from '../../codec/index.ts'
import { genesisState, type Genesis } from '../genesis.ts'
import { getChain } from '../state/meta.ts'
import type { LedgerState } from '../state/store.ts'
import { receiptsRoot, txRootOf } from './receipts.ts'
import { blockId, type Block, type BlockHeader } from './types.ts'

/** The genesis header of a state at height 0. */
export function genesisHeader (state: LedgerState): BlockHeader {
  const chain = getChain(state)
  if (chain.height !== 0) throw new Error(`state is at height ${chain.height}, not genesis`)
  return {
    network: chain.network,
    shard: chain.shard,
    height: 0,
    parent: null,
    timestamp: chain.time,
    proposer: null,
    round: 0,
    txRoot: txRootOf([]),
    stateRoot: state.stateRoot(),
    receiptsRoot: receiptsRoot([]),
    lastCommit: null
  }
}

/** Genesis state, block and block id for `shard`. */
export function genesisBlock (genesis: Genesis, shard = 0): { state: LedgerState, block: Block, id: CID } {
  const state = genesisState(genesis, shard)
  const header = genesisHeader(state)
  return { state, block: { header, txs: [] }, id: blockId(header) }
}
