import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import {
  parseGenesis, networkIdOf, genesisState, genesisBlock, GenesisError, getAccount, getMember, getMembership, getCooperative,
  getChain, getParams, reputationAt, validatorSetAt, totalReputation, DEFAULT_ECONOMIC_PARAMS
} from '../../src/ledger/index.ts'
import { DEFAULT_CONSENSUS_PARAMS } from '../../src/consensus/params.ts'
import { genesisJson, V, alice, bob, carol, T0, hex } from './helpers.ts'

const EXAMPLE = new URL('../../config/genesis.json', import.meta.url)

function rejects (json: unknown, code: string, field: string): void {
  assert.throws(() => parseGenesis(json), (err: unknown) => {
    assert.ok(err instanceof GenesisError, String(err))
    assert.equal(err.code, code, err.message)
    assert.equal(err.field, field, err.message)
    return true
  })
}

/** Deep copy with every object's keys in reverse order. */
function reverseKeys (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]))
  }
  return value
}

test('config/genesis.json parses; its network id is pinned', () => {
  const genesis = parseGenesis(JSON.parse(readFileSync(EXAMPLE, 'utf8')))
  assert.equal(networkIdOf(genesis).toString(), 'bafyreid7sl27mtoex4k4vitznkuwrgorjt4z6hrb575j7waavblving7ze')
  assert.equal(genesis.validators.length, 4)
})

test('the network id does not depend on key order, list order or explicit defaults', () => {
  const json = genesisJson()
  const id = networkIdOf(parseGenesis(json)).toString()
  assert.equal(networkIdOf(parseGenesis(reverseKeys(json))).toString(), id)
  const shuffled = { ...json, members: [...(json.members as unknown[])].reverse(), validators: [...(json.validators as unknown[])].reverse() }
  assert.equal(networkIdOf(parseGenesis(shuffled)).toString(), id)
  const explicit = { ...json, shards: 1, consensus: { ...DEFAULT_CONSENSUS_PARAMS }, economics: { ...DEFAULT_ECONOMIC_PARAMS } }
  assert.equal(networkIdOf(parseGenesis(explicit)).toString(), id)
  // The resolved parameters are pinned: changing one changes the id.
  assert.notEqual(networkIdOf(parseGenesis({ ...json, consensus: { maxBlockTxs: 4999 } })).toString(), id)
  assert.notEqual(networkIdOf(parseGenesis({ ...json, initialTime: T0 + 1 })).toString(), id)
})

test('parsing is strict and names the bad key', () => {
  const json = genesisJson()
  const members = json.members as Array<Record<string, unknown>>
  const validators = json.validators as Array<Record<string, unknown>>
  rejects({ ...json, initialTime: 1.5 }, 'INVALID_FIELD', 'initialTime')
  rejects({ ...json, extra: true }, 'INVALID_FIELD', '')
  rejects({ ...json, consensus: { maxBlockTxs: 0 } }, 'INVALID_FIELD', 'consensus.maxBlockTxs')
  rejects({ ...json, consensus: { noSuchParam: 1 } }, 'INVALID_FIELD', 'consensus')
  rejects({ ...json, validators: [validators[0], validators[1], { did: 'did:key:nope' }] }, 'INVALID_FIELD', 'validators.2.did')
  rejects({ ...json, members: [...members, { ...members[0] }] }, 'DUPLICATE', `members.${members.length}.did`)
  rejects({ ...json, members: members.map((m, i) => (i === 1 ? { ...m, balance: -1 } : m)) }, 'INVALID_FIELD', 'members.1.balance')
  rejects({ ...json, members: members.map((m, i) => (i === 0 ? { ...m, reputation: { charisma: 5 } } : m)) }, 'INVALID_FIELD', 'members.0.reputation')
  rejects({ ...json, validators: [...validators, { did: V[0].did }] }, 'DUPLICATE', 'validators.4.did')
  rejects({ ...json, validators: [...validators, { did: bob.did }] }, 'VALIDATOR_INELIGIBLE', 'validators.4.did')
  rejects({ ...json, members: members.filter((m) => m.did !== V[3].did) }, 'UNKNOWN_MEMBER', 'validators.3.did')
  rejects({ ...json, validators: validators.slice(0, 2) }, 'TOO_FEW_VALIDATORS', 'validators')
  rejects({ ...json, cooperatives: [{ id: 'x', name: 'x', purpose: 'y', founder: 'did:key:z6MkpFkurpyZgyna5SAfLpvdzp7W6cvdc1fn9YECrwv3AMbF' }] }, 'UNKNOWN_MEMBER', 'cooperatives.0.founder')
  rejects({ ...json, cooperatives: [{ id: 'Bad Id', name: 'x', purpose: 'y', founder: alice.did }] }, 'INVALID_FIELD', 'cooperatives.0.id')
  rejects({ ...json, members: members.map((m, i) => (i < 2 ? { ...m, balance: 2 ** 52 } : m)) }, 'SUPPLY_OVERFLOW', 'members.1.balance')
})

test('genesis state: members, accounts with full mana, reputation, cooperatives, validator set', () => {
  const genesis = parseGenesis(genesisJson())
  const state = genesisState(genesis)
  const chain = getChain(state)
  assert.equal(chain.height, 0)
  assert.equal(chain.time, T0)
  assert.equal(chain.network.toString(), networkIdOf(genesis).toString())
  assert.deepEqual(getParams(state).consensus, DEFAULT_CONSENSUS_PARAMS)
  // alice: 50 development points × weight 2.0 = 100 points → capacity 1000 + 100 × 100.
  assert.deepEqual(getAccount(state, alice.did), { balance: 100_000, mana: 11_000, manaAt: T0, nonce: 0 })
  assert.deepEqual(getAccount(state, carol.did), { balance: 0, mana: 1000, manaAt: T0, nonce: 0 })
  assert.equal(totalReputation(state, alice.did, T0), 100_000)
  assert.equal(reputationAt(state, V[0].did, T0).validation, 200_000)
  assert.equal(getMember(state, bob.did)!.cooperative, 'bakery')
  assert.equal(getMembership(state, 'bakery', alice.did)!.role, 'founder')
  assert.equal(getCooperative(state, 'bakery')!.members, 2)
  const set = validatorSetAt(state)
  assert.deepEqual(set.validators.map((v) => v.did), V.map((k) => k.did).sort())
})

test('genesis is reproducible: two nodes build byte-identical states and blocks', () => {
  const a = genesisBlock(parseGenesis(genesisJson()))
  const b = genesisBlock(parseGenesis(reverseKeys(genesisJson())))
  assert.equal(hex(a.state.stateRoot()), hex(b.state.stateRoot()))
  assert.equal(a.id.toString(), b.id.toString())
  assert.equal(a.block.header.height, 0)
  assert.equal(a.block.header.parent, null)
  assert.deepEqual([...a.state.entries()].length, [...b.state.entries()].length)
})
