/**
 * Chain bookkeeping and parameters kept in state, so that a node restarted from persisted state (or a
 * peer that synced it) derives the same validator set, proposer and rewards as every other node.
 */
import type { CID } from '../../codec/index.ts'
import type { ConsensusParams } from '../../consensus/params.ts'
import type { EconomicParams } from '../constants.ts'
import type { StateReader, StateOverlay } from './store.ts'
import { Keys } from './keys.ts'

/** A member of a stored validator set. Powers fit safe integers: they never exceed reputation. */
export interface StoredValidator { did: string, power: number, weight: number }

export interface ChainMeta {
  /** Genesis CID: the network id every transaction and block must carry. */
  network: CID
  shard: number
  shards: number
  /** Height of the last block applied (0 = genesis). */
  height: number
  /** Timestamp of that block: the "now" of every state query between blocks. */
  time: number
  /** Proposers of the last blocks, newest first (cooldown, proposer reward). */
  recentProposers: string[]
  /** The validator set that voted on block `height` (verifies its commit; empty at genesis). */
  lastValidators: StoredValidator[]
}

export interface Params {
  consensus: ConsensusParams
  economics: EconomicParams
}

export function getChain (view: StateReader): ChainMeta {
  const meta = view.read(Keys.chain) as ChainMeta | undefined
  if (meta === undefined) throw new Error('state has no chain metadata: build it with genesisState()')
  return meta
}

export function putChain (view: StateOverlay, meta: ChainMeta): void {
  view.write(Keys.chain, meta)
}

export function getParams (view: StateReader): Params {
  const params = view.read(Keys.params) as Params | undefined
  if (params === undefined) throw new Error('state has no parameters: build it with genesisState()')
  return params
}

export function putParams (view: StateOverlay, params: Params): void {
  view.write(Keys.params, params)
}
