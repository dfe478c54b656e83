/**
 * The ledger: a deterministic state machine with no I/O (no clock, no randomness, no files). Time comes
 * from block headers, storage from the KV writes it returns, and every number in consensus state is an
 * integer, so every node computes the same state root.
 *
 * - `tx/`: signed transactions — envelope codec, one file per type, buildTx, checkTx (mempool admission)
 * - `state/`: the KV state with its incremental authenticated root, overlays, typed records
 * - `block/`: headers and bodies, Merkle roots and receipt proofs, execution with validator rewards,
 *   validation and building
 * - `genesis.ts`: the genesis document, the network id, the state at height 0
 * - `chain.ts`: state + head, the surface the consensus app adapter and sync drive
 * - `mempool/`: the transaction pool (its own module)
 */
export * from './errors.ts'
export {
  CATEGORIES, CATEGORY_NAMES, ATTESTABLE_CATEGORIES, DEFAULT_PERMISSIONS, Permission, COST, DEFAULT_ECONOMIC_PARAMS,
  economicParamsSchema, MS_PER_DAY, MS_PER_HOUR, type Category, type EconomicParams
} from './constants.ts'
export { decay, decayFactor, expNeg, sanctionCostPpm, FIXED_ONE } from './fixed.ts'
export { parseGenesis, networkIdOf, genesisState, genesisReputation, type Genesis, type GenesisMember, type GenesisCooperative } from './genesis.ts'
export { LedgerChain } from './chain.ts'
export * from './tx/index.ts'
export * from './state/index.ts'
export * from './block/index.ts'
