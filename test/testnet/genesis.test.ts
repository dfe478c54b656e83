import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { keyPairFromSeed } from '../../src/identity/index.ts'
import {
  GenesisError, genesisReputation, genesisState, getAccount, parseGenesis, networkIdOf, validatorSetAt
} from '../../src/ledger/index.ts'
import { DEFAULT_CONSENSUS_PARAMS } from '../../src/consensus/params.ts'
import { createTestnetGenesis, defaultGenesisTime, testnetKey, TestnetError } from '../../src/testnet/index.ts'

const TIME = 1_800_000_000_000

test('N validators: parseGenesis accepts the genesis and every validator is eligible, funded and in the set', () => {
  for (const n of [1, 2, 3, 4, 7]) {
    const made = createTestnetGenesis({ validators: n, members: 2, genesisTime: TIME, seed: 'set' })
    const parsed = parseGenesis(JSON.parse(JSON.stringify(made.genesis)))
    assert.equal(networkIdOf(parsed).toString(), made.networkId.toString(), 'the JSON round trip keeps the network id')
    assert.equal(parsed.validators.length, n)
    assert.equal(parsed.consensus.minValidators, Math.min(n, DEFAULT_CONSENSUS_PARAMS.minValidators), 'fewer than 3 validators lower the floor to N')

    const state = genesisState(parsed)
    const set = validatorSetAt(state)
    assert.equal(set.validators.length, n, `${n} validators are eligible at height 1`)
    assert.deepEqual(set.validators.map((v) => v.did).sort(), made.validatorKeys.map((k) => k.did).sort())
    for (const key of made.validatorKeys) {
      const member = parsed.members.find((m) => m.did === key.did)
      assert.ok(member !== undefined)
      assert.ok(genesisReputation(member) >= parsed.consensus.minValidatorReputation, 'enough reputation to validate')
      assert.ok((getAccount(state, key.did)?.balance ?? 0) > 0, 'a validator has a balance')
    }
    for (const key of made.memberKeys) {
      assert.ok(!set.byDid.has(key.did), 'a member key is not a validator')
      const account = getAccount(state, key.did)
      assert.ok(account !== undefined && account.balance > 0 && account.mana > 0, 'a member can send transactions')
    }
  }
})

test('a seed and a time fix the genesis: same inputs, same bytes and network id; another seed, other keys', () => {
  const a = createTestnetGenesis({ validators: 4, members: 3, genesisTime: TIME, seed: 'alpha' })
  const b = createTestnetGenesis({ validators: 4, members: 3, genesisTime: TIME, seed: 'alpha' })
  assert.equal(JSON.stringify(a.genesis), JSON.stringify(b.genesis))
  assert.equal(a.networkId.toString(), b.networkId.toString())

  const other = createTestnetGenesis({ validators: 4, members: 3, genesisTime: TIME, seed: 'beta' })
  assert.notEqual(other.networkId.toString(), a.networkId.toString())
  const dids = new Set([...a.validatorKeys, ...a.memberKeys].map((k) => k.did))
  for (const k of [...other.validatorKeys, ...other.memberKeys]) assert.ok(!dids.has(k.did), 'no key is shared between seeds')

  const later = createTestnetGenesis({ validators: 4, members: 3, genesisTime: TIME + 1000, seed: 'alpha' })
  assert.notEqual(later.networkId.toString(), a.networkId.toString(), 'the genesis time is part of the network id')
  assert.deepEqual(later.validatorKeys.map((k) => k.did), a.validatorKeys.map((k) => k.did))

  // more members never change a validator's key: roles have their own sequences
  const more = createTestnetGenesis({ validators: 4, members: 9, genesisTime: TIME, seed: 'alpha' })
  assert.deepEqual(more.validatorKeys.map((k) => k.did), a.validatorKeys.map((k) => k.did))
  assert.deepEqual(more.memberKeys.slice(0, 3).map((k) => k.did), a.memberKeys.map((k) => k.did))
})

test('seeded keys are sha256(seed ":" role ":" index); unseeded keys are random', () => {
  const made = createTestnetGenesis({ validators: 2, members: 1, genesisTime: TIME, seed: 'demo' })
  const expected = keyPairFromSeed(createHash('sha256').update('demo:validator:1').digest())
  assert.equal(made.validatorKeys[1]?.did, expected.did)
  assert.equal(testnetKey('demo', 'member', 0).did, made.memberKeys[0]?.did)

  const r1 = createTestnetGenesis({ validators: 3, genesisTime: TIME })
  const r2 = createTestnetGenesis({ validators: 3, genesisTime: TIME })
  assert.notEqual(r1.validatorKeys[0]?.did, r2.validatorKeys[0]?.did)
  assert.notEqual(r1.networkId.toString(), r2.networkId.toString())
})

test('the default genesis time is the current second, as an integer in the file', () => {
  const before = Date.now()
  const made = createTestnetGenesis({ validators: 3 })
  const t = made.genesis.initialTime
  assert.ok(Number.isSafeInteger(t) && t % 1000 === 0)
  assert.ok(t <= Date.now() && t > before - 1000)
  assert.equal(defaultGenesisTime() % 1000, 0)
})

test('parameter overrides reach the genesis; bad counts and parameters are refused naming the field', () => {
  const made = createTestnetGenesis({ validators: 4, genesisTime: TIME, consensus: { timeoutProposeMs: 800 }, economics: { epochLength: 10 }, shards: 2, networkName: 'e2e-net' })
  assert.equal(made.parsed.consensus.timeoutProposeMs, 800)
  assert.equal(made.parsed.consensus.timeoutPrevoteMs, DEFAULT_CONSENSUS_PARAMS.timeoutPrevoteMs)
  assert.equal(made.parsed.economics.epochLength, 10)
  assert.equal(made.parsed.shards, 2)
  assert.equal(made.parsed.network, 'e2e-net')
  assert.equal(made.genesis.consensus?.minValidators, undefined, 'defaults are left to parseGenesis')

  for (const [options, field] of [
    [{ validators: 0 }, 'validators'],
    [{ validators: 65 }, 'validators'],
    [{ validators: 1.5 }, 'validators'],
    [{ validators: 3, members: -1 }, 'members'],
    [{ validators: 3, genesisTime: -5 }, 'genesisTime']
  ] as const) {
    assert.throws(() => createTestnetGenesis(options), (e: unknown) => e instanceof TestnetError && e.code === 'INVALID_OPTION' && e.field === field, JSON.stringify(options))
  }
  assert.throws(() => createTestnetGenesis({ validators: 3, genesisTime: TIME, consensus: { timeoutProposeMs: 0 } }),
    (e: unknown) => e instanceof GenesisError && e.code === 'INVALID_FIELD' && e.field === 'consensus.timeoutProposeMs')
  assert.throws(() => createTestnetGenesis({ validators: 2, genesisTime: TIME, consensus: { minValidators: 3 } }),
    (e: unknown) => e instanceof GenesisError && e.code === 'TOO_FEW_VALIDATORS', 'an explicit floor is kept, not lowered')
})
