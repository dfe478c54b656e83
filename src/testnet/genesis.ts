/**
 * The genesis of a local testnet: N validators (members with enough reputation to validate, and a
 * balance) plus M plain members whose keys let a user send transactions. Keys are random, or derived
 * from a seed so the same seed and time give the same genesis — and the same network id — anywhere.
 *
 * The genesis time is an input written into the file. It defaults to the wall clock (rounded down to
 * the second) read once, here, by whoever prepares the testnet; every node then reads the same file,
 * so genesis is byte-identical on every node (SPEC §3, §15).
 */
import { createHash } from 'node:crypto'
import type { CID } from '../codec/index.ts'
import type { ConsensusParams } from '../consensus/params.ts'
import { DEFAULT_CONSENSUS_PARAMS } from '../consensus/params.ts'
import { generateKeyPair, keyPairFromSeed, type KeyPair } from '../identity/index.ts'
import type { Category, EconomicParams } from '../ledger/constants.ts'
import { parseGenesis, networkIdOf, type Genesis } from '../ledger/genesis.ts'
import {
  DEFAULT_NETWORK_NAME, MAX_MEMBERS, MAX_NODES, MEMBER_BALANCE, MEMBER_REPUTATION, VALIDATOR_BALANCE, VALIDATOR_REPUTATION
} from './constants.ts'
import { TestnetError } from './errors.ts'

/** A genesis file's JSON, as `parseGenesis` reads it (config/genesis.md). */
export interface GenesisJson {
  network: string
  initialTime: number
  shards?: number
  consensus?: Partial<ConsensusParams>
  economics?: Partial<EconomicParams>
  members: Array<{
    did: string
    profile: { name: string, bio?: string, location?: string }
    reputation?: Partial<Record<Category, number>>
    balance?: number
  }>
  validators: Array<{ did: string }>
}

export interface TestnetGenesisOptions {
  /** Validators, 1–64. Fewer than consensus.minValidators (default 3) lowers minValidators to this. */
  validators: number
  /** Plain members besides the validators. Default 0. */
  members?: number
  /** Default 'icn-testnet'. */
  networkName?: string
  /** Block time of genesis, integer ms. Default: now, rounded down to the second. */
  genesisTime?: number
  /** Default 1. */
  shards?: number
  /** Consensus parameter overrides (e.g. short timeouts in tests); the rest keep their defaults. */
  consensus?: Partial<ConsensusParams>
  economics?: Partial<EconomicParams>
  /** Derive every key from this seed instead of the OS's randomness (see `testnetKey`). */
  seed?: string
}

export interface TestnetGenesis {
  /** The genesis JSON to write to a file; `parseGenesis` accepts it. */
  genesis: GenesisJson
  /** The resolved genesis and its CID, the network id. */
  parsed: Genesis
  networkId: CID
  /** Validator i's key: node i's key file. */
  validatorKeys: KeyPair[]
  /** Member i's key: `<dir>/keys/member<i>.key`. */
  memberKeys: KeyPair[]
}

export type TestnetKeyRole = 'validator' | 'member' | 'node'

/**
 * Key `index` of `role` in a seeded testnet: the Ed25519 seed is sha256(utf8(seed) ‖ utf8(":role:index")),
 * e.g. sha256("demo:validator:0"). Roles keep their own sequences, so adding members never changes a
 * validator's key.
 */
export function testnetKey (seed: string, role: TestnetKeyRole, index: number): KeyPair {
  return keyPairFromSeed(createHash('sha256').update(`${seed}:${role}:${index}`, 'utf8').digest())
}

function keys (seed: string | undefined, role: TestnetKeyRole, count: number): KeyPair[] {
  return Array.from({ length: count }, (_, i) => seed === undefined ? generateKeyPair() : testnetKey(seed, role, i))
}

function checkCount (field: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TestnetError('INVALID_OPTION', `${field} must be a whole number from ${min} to ${max}, got ${value}`, { field })
  }
}

/** The current wall-clock time rounded down to the second: the default genesis time. */
export function defaultGenesisTime (): number {
  return Math.floor(Date.now() / 1000) * 1000
}

export function createTestnetGenesis (options: TestnetGenesisOptions): TestnetGenesis {
  const members = options.members ?? 0
  checkCount('validators', options.validators, 1, MAX_NODES)
  checkCount('members', members, 0, MAX_MEMBERS)
  const initialTime = options.genesisTime ?? defaultGenesisTime()
  checkCount('genesisTime', initialTime, 0, Number.MAX_SAFE_INTEGER)

  const validatorKeys = keys(options.seed, 'validator', options.validators)
  const memberKeys = keys(options.seed, 'member', members)
  const consensus: Partial<ConsensusParams> = { ...options.consensus }
  // A testnet of one or two validators is allowed (a demo, a unit of work on one laptop): the chain's
  // floor is lowered to the set it has instead of refusing the genesis.
  if (consensus.minValidators === undefined && options.validators < DEFAULT_CONSENSUS_PARAMS.minValidators) {
    consensus.minValidators = options.validators
  }
  const genesis: GenesisJson = {
    network: options.networkName ?? DEFAULT_NETWORK_NAME,
    initialTime,
    ...(options.shards !== undefined ? { shards: options.shards } : {}),
    ...(Object.keys(consensus).length > 0 ? { consensus } : {}),
    ...(options.economics !== undefined && Object.keys(options.economics).length > 0 ? { economics: { ...options.economics } } : {}),
    members: [
      ...validatorKeys.map((k, i) => ({
        did: k.did,
        profile: { name: `validator${i}`, location: `icn testnet node${i}` },
        reputation: { ...VALIDATOR_REPUTATION },
        balance: VALIDATOR_BALANCE
      })),
      ...memberKeys.map((k, i) => ({
        did: k.did,
        profile: { name: `member${i}` },
        reputation: { ...MEMBER_REPUTATION },
        balance: MEMBER_BALANCE
      }))
    ],
    validators: validatorKeys.map((k) => ({ did: k.did }))
  }
  // Refuse here, not in every node at start: a bad override (a zero timeout…) names its field now.
  const parsed = parseGenesis(genesis)
  return { genesis, parsed, networkId: networkIdOf(parsed), validatorKeys, memberKeys }
}
