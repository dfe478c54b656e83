/**
 * Genesis (SPEC §3): the JSON document that starts a network. `parseGenesis` checks it strictly and
 * resolves it to a canonical form — every parameter filled in from the defaults, lists sorted — whose
 * CID is the network id. The id therefore pins the parameters a node runs with, does not depend on key
 * or list order in the file, and is byte-identical on every node (integer time, no floats, no clock).
 */
import { cidOf, parse, z, uint, posint, text, CodecError, type CID } from '../codec/index.ts'
import { DEFAULT_CONSENSUS_PARAMS, consensusParamsSchema, type ConsensusParams } from '../consensus/params.ts'
import {
  CATEGORIES, DEFAULT_ECONOMIC_PARAMS, DEFAULT_PERMISSIONS, REPUTATION_SCALE, categorySchema, economicParamsSchema,
  type Category, type EconomicParams
} from './constants.ts'
import { GenesisError, codecReason } from './errors.ts'
import { profileSchema, type Profile } from './state/members.ts'
import { did } from './tx/fields.ts'
import { shardOf } from './tx/shard.ts'
import { LedgerState } from './state/store.ts'
import { Keys } from './state/keys.ts'
import { putChain, putParams } from './state/meta.ts'
import { manaCapacity, putAccount } from './state/accounts.ts'
import { putCooperative, putMember, type Cooperative, type Member } from './state/members.ts'
import { setReputation } from './state/reputation.ts'
import { setCandidate } from './state/validators.ts'

export interface GenesisMember {
  did: string
  profile: Profile
  /** Initial reputation per category, in points. */
  reputation: Partial<Record<Category, number>>
  /** Initial cooperative credits. */
  balance: number
  permissions: string[]
}

export interface GenesisCooperative {
  id: string
  name: string
  purpose: string
  founder: string
  /** Members besides the founder, with their roles. */
  members: Array<{ did: string, role: string }>
}

/** A resolved genesis: what the network id is the CID of. */
export interface Genesis {
  /** Human-readable network name. */
  network: string
  /** Block time of genesis (height 0), ms since the epoch. */
  initialTime: number
  shards: number
  consensus: ConsensusParams
  economics: EconomicParams
  /** Sorted by DID. */
  members: GenesisMember[]
  /** Sorted by DID; every one a member. */
  validators: Array<{ did: string }>
  /** Sorted by id. */
  cooperatives: GenesisCooperative[]
}

const cooperativeId = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be 1–64 characters of a-z, 0-9, _ . - starting with a letter or digit')
const role = text(64)

const inputSchema = z.strictObject({
  network: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1–64 characters of letters, digits, _ . -'),
  initialTime: uint,
  shards: posint.max(1024).optional(),
  consensus: consensusParamsSchema.partial().optional(),
  economics: economicParamsSchema.partial().optional(),
  members: z.array(z.strictObject({
    did,
    profile: profileSchema,
    reputation: z.partialRecord(categorySchema, uint.max(1_000_000_000)).optional(),
    balance: uint.optional(),
    permissions: z.array(text(64)).max(64).optional()
  })).min(1, 'needs at least one member').max(100_000),
  validators: z.array(z.strictObject({ did })).min(1, 'needs at least one validator'),
  cooperatives: z.array(z.strictObject({
    id: cooperativeId,
    name: text(256),
    purpose: text(65_536),
    founder: did,
    members: z.array(z.strictObject({ did, role })).optional()
  })).optional()
})

function byKey<T> (key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)
}

/** Total reputation of a genesis member in milli-points: Σ weight (milli) × points. */
export function genesisReputation (member: Pick<GenesisMember, 'reputation'>): number {
  let total = 0
  for (const [c, points] of Object.entries(member.reputation) as Array<[Category, number]>) {
    total += CATEGORIES[c].weight * points
  }
  return total
}

/** Checks a parsed JSON genesis and resolves it; throws GenesisError naming the bad key. */
export function parseGenesis (json: unknown): Genesis {
  let input: z.output<typeof inputSchema>
  try {
    input = parse(inputSchema, json)
  } catch (err) {
    if (err instanceof CodecError) throw new GenesisError('INVALID_FIELD', err.field, codecReason(err))
    throw err
  }
  const consensus = resolve('consensus', consensusParamsSchema, { ...DEFAULT_CONSENSUS_PARAMS, ...input.consensus })
  const economics = resolve('economics', economicParamsSchema, { ...DEFAULT_ECONOMIC_PARAMS, ...input.economics })

  const members = new Map<string, GenesisMember>()
  let supply = 0
  input.members.forEach((m, i) => {
    if (members.has(m.did)) throw new GenesisError('DUPLICATE', `members.${i}.did`, `${m.did} is listed twice`)
    const balance = m.balance ?? 0
    supply += balance
    if (!Number.isSafeInteger(supply)) throw new GenesisError('SUPPLY_OVERFLOW', `members.${i}.balance`, 'the balances add up beyond a safe integer')
    members.set(m.did, {
      did: m.did,
      profile: m.profile,
      reputation: { ...m.reputation },
      balance,
      permissions: [...new Set(m.permissions ?? DEFAULT_PERMISSIONS)].sort()
    })
  })

  const validators = new Set<string>()
  input.validators.forEach((v, i) => {
    const member = members.get(v.did)
    if (member === undefined) throw new GenesisError('UNKNOWN_MEMBER', `validators.${i}.did`, `${v.did} is not in members`)
    if (validators.has(v.did)) throw new GenesisError('DUPLICATE', `validators.${i}.did`, `${v.did} is listed twice`)
    if (genesisReputation(member) < consensus.minValidatorReputation) {
      throw new GenesisError('VALIDATOR_INELIGIBLE', `validators.${i}.did`,
        `total reputation ${genesisReputation(member) / REPUTATION_SCALE} is below the minimum ${consensus.minValidatorReputation / REPUTATION_SCALE}`)
    }
    validators.add(v.did)
  })
  if (validators.size < consensus.minValidators) {
    throw new GenesisError('TOO_FEW_VALIDATORS', 'validators', `${validators.size} validators, consensus.minValidators is ${consensus.minValidators}`)
  }

  const cooperatives = new Map<string, GenesisCooperative>()
  ;(input.cooperatives ?? []).forEach((c, i) => {
    if (cooperatives.has(c.id)) throw new GenesisError('DUPLICATE', `cooperatives.${i}.id`, `${c.id} is listed twice`)
    if (!members.has(c.founder)) throw new GenesisError('UNKNOWN_MEMBER', `cooperatives.${i}.founder`, `${c.founder} is not in members`)
    const seen = new Set([c.founder])
    ;(c.members ?? []).forEach((m, j) => {
      if (!members.has(m.did)) throw new GenesisError('UNKNOWN_MEMBER', `cooperatives.${i}.members.${j}.did`, `${m.did} is not in members`)
      if (seen.has(m.did)) throw new GenesisError('DUPLICATE', `cooperatives.${i}.members.${j}.did`, `${m.did} is listed twice`)
      seen.add(m.did)
    })
    cooperatives.set(c.id, {
      id: c.id, name: c.name, purpose: c.purpose, founder: c.founder, members: [...(c.members ?? [])].sort(byKey((m) => m.did))
    })
  })

  return {
    network: input.network,
    initialTime: input.initialTime,
    shards: input.shards ?? 1,
    consensus,
    economics,
    members: [...members.values()].sort(byKey((m) => m.did)),
    validators: [...validators].sort().map((d) => ({ did: d })),
    cooperatives: [...cooperatives.values()].sort(byKey((c) => c.id))
  }
}

function resolve<S extends z.ZodType> (field: string, schema: S, value: unknown): z.output<S> {
  try {
    return parse(schema, value, field)
  } catch (err) {
    if (err instanceof CodecError) throw new GenesisError('INVALID_FIELD', err.field, codecReason(err))
    throw err
  }
}

/** The network id: CID of the canonical encoding of the resolved genesis. */
export function networkIdOf (genesis: Genesis): CID {
  return cidOf(genesis)
}

/**
 * The state at height 0 of shard `shard`. Members, reputation, cooperatives and validator candidacy
 * are network-wide; balances (and accounts) live on the sender's shard only, so money is not created
 * once per shard.
 */
export function genesisState (genesis: Genesis, shard = 0): LedgerState {
  if (!Number.isInteger(shard) || shard < 0 || shard >= genesis.shards) throw new GenesisError('INVALID_FIELD', 'shards', `no shard ${shard}`)
  const state = LedgerState.empty()
  const view = state.overlay()
  const time = genesis.initialTime
  putParams(view, { consensus: genesis.consensus, economics: genesis.economics })
  putChain(view, {
    network: networkIdOf(genesis),
    shard,
    shards: genesis.shards,
    height: 0,
    time,
    recentProposers: [],
    lastValidators: []
  })
  const primary = new Map<string, string>()
  for (const c of genesis.cooperatives) {
    for (const d of [c.founder, ...c.members.map((m) => m.did)]) if (!primary.has(d)) primary.set(d, c.id)
  }
  for (const m of genesis.members) {
    const member: Member = {
      did: m.did,
      profile: m.profile,
      cooperative: primary.get(m.did) ?? null,
      permissions: m.permissions,
      joinedAt: time,
      sponsor: null,
      contributions: 0,
      mutualAidGiven: 0,
      mutualAidReceived: 0,
      endorsements: 0
    }
    putMember(view, member)
    const milli: Partial<Record<Category, number>> = {}
    for (const [c, points] of Object.entries(m.reputation) as Array<[Category, number]>) milli[c] = points * REPUTATION_SCALE
    setReputation(view, m.did, milli, time)
    if (shardOf(m.did, genesis.shards) === shard) {
      const capacity = manaCapacity(genesisReputation(m), genesis.economics)
      putAccount(view, m.did, { balance: m.balance, mana: capacity, manaAt: time, nonce: 0 })
    }
  }
  for (const c of genesis.cooperatives) {
    const coop: Cooperative = { id: c.id, name: c.name, purpose: c.purpose, founder: c.founder, createdAt: time, members: 1 + c.members.length }
    putCooperative(view, coop)
    view.write(Keys.membership(c.id, c.founder), { role: 'founder', since: time })
    for (const m of c.members) view.write(Keys.membership(c.id, m.did), { role: m.role, since: time })
  }
  for (const v of genesis.validators) setCandidate(view, v.did, true)
  state.apply(view.changes())
  return state
}
