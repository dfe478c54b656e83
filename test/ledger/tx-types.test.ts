import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  getAccount, getMember, getCooperative, getMembership, getContribution, getMutualAid, getMutualAidReceived,
  getRelationship, getEndorsement, getInteraction, reputationAt, getCandidates, validatorSetAt, txId, TxError,
  type Tx, type Receipt
} from '../../src/ledger/index.ts'
import { TestChain, alice, bob, carol, stranger, V, genesisJson, testGenesis } from './helpers.ts'

/** Runs `txs` in the next block and returns their receipts. */
function run (tc: TestChain, ...txs: Tx[]): Receipt[] {
  const { executed } = tc.next(txs)
  assert.equal(executed.receipts.length, txs.length, 'every transaction was included')
  return executed.receipts
}

function ok (r: Receipt | undefined): void {
  assert.ok(r !== undefined)
  assert.equal(r.code, null)
  assert.equal(r.ok, true)
}

function failed (r: Receipt | undefined, code: string): void {
  assert.ok(r !== undefined)
  assert.equal(r.ok, false)
  assert.equal(r.code, code)
}

/** A chain where `stranger` has an account (funded by alice) but is not a member. */
function withStrangerAccount (): TestChain {
  const tc = new TestChain()
  ok(run(tc, tc.tx(alice, 'transfer', { to: stranger.did, amount: 10 }))[0])
  return tc
}

test('transfer: moves credits, charges 100 + amount/100, creates the recipient with full mana', () => {
  const tc = new TestChain()
  const [r] = run(tc, tc.tx(alice, 'transfer', { to: stranger.did, amount: 2_550 }))
  ok(r)
  assert.equal(r!.mana, 125)
  assert.equal(getAccount(tc.chain.state, alice.did)!.balance, 97_450)
  assert.deepEqual(getAccount(tc.chain.state, stranger.did), { balance: 2_550, mana: 1000, manaAt: tc.time, nonce: 0 })
})

test('transfer: a negative balance is refused; the failed transaction is charged but moves nothing', () => {
  const tc = new TestChain()
  const before = getAccount(tc.chain.state, bob.did)!
  const [r] = run(tc, tc.tx(bob, 'transfer', { to: alice.did, amount: 600 }))
  failed(r, 'INSUFFICIENT_BALANCE')
  const after = getAccount(tc.chain.state, bob.did)!
  assert.equal(after.balance, 500)
  assert.equal(after.nonce, before.nonce + 1)
  assert.equal(after.mana, 1000 - 106)
  assert.equal(getAccount(tc.chain.state, alice.did)!.balance, 100_000)
  failed(run(tc, tc.tx(bob, 'transfer', { to: bob.did, amount: 1 }))[0], 'SELF_TRANSFER')
})

test('register_member: a member sponsors a newcomer, who gets default permissions and a full account', () => {
  const tc = new TestChain()
  ok(run(tc, tc.tx(alice, 'register_member', { did: stranger.did, profile: { name: 'dana', bio: 'new here' }, cooperative: 'bakery' }))[0])
  const m = getMember(tc.chain.state, stranger.did)!
  assert.equal(m.sponsor, alice.did)
  assert.equal(m.cooperative, 'bakery')
  assert.ok(m.permissions.includes('contribution.record'))
  assert.equal(getMembership(tc.chain.state, 'bakery', stranger.did)!.role, 'member')
  assert.equal(getCooperative(tc.chain.state, 'bakery')!.members, 3)
  assert.equal(getAccount(tc.chain.state, stranger.did)!.mana, 1000)
})

test('register_member: duplicates, self-registration, foreign and unknown cooperatives are refused', () => {
  const tc = withStrangerAccount()
  const [dup, self, foreign, unknown] = run(tc,
    tc.tx(alice, 'register_member', { did: bob.did, profile: { name: 'bob again' } }),
    tc.tx(stranger, 'register_member', { did: stranger.did, profile: { name: 'me' } }),
    tc.tx(carol, 'register_member', { did: stranger.did, profile: { name: 'x' }, cooperative: 'bakery' }),
    tc.tx(alice, 'register_member', { did: stranger.did, profile: { name: 'x' }, cooperative: 'nope' })
  )
  failed(dup, 'ALREADY_REGISTERED')
  failed(self, 'NOT_A_MEMBER')
  failed(foreign, 'PERMISSION_DENIED')
  failed(unknown, 'UNKNOWN_COOPERATIVE')
  assert.equal(getMember(tc.chain.state, stranger.did), undefined)
})

test('create_cooperative: the founder joins; the id is the transaction id', () => {
  const tc = withStrangerAccount()
  const create = tc.tx(carol, 'create_cooperative', { name: 'Tool library', purpose: 'Lend tools' })
  const [r, refused] = run(tc, create, tc.tx(stranger, 'create_cooperative', { name: 'x', purpose: 'y' }))
  ok(r)
  failed(refused, 'NOT_A_MEMBER')
  const id = txId(create).toString()
  assert.deepEqual(getCooperative(tc.chain.state, id), { id, name: 'Tool library', purpose: 'Lend tools', founder: carol.did, createdAt: tc.time, members: 1 })
  assert.equal(getMembership(tc.chain.state, id, carol.did)!.role, 'founder')
  assert.equal(getMember(tc.chain.state, carol.did)!.cooperative, id)
})

test('join_cooperative: join once; unknown cooperatives and second joins are refused', () => {
  const tc = new TestChain()
  const [r, again, unknown] = run(tc,
    tc.tx(carol, 'join_cooperative', { id: 'bakery', role: 'volunteer' }),
    tc.tx(bob, 'join_cooperative', { id: 'bakery', role: 'baker' }),
    tc.tx(alice, 'join_cooperative', { id: 'nope', role: 'x' })
  )
  ok(r)
  failed(again, 'ALREADY_JOINED')
  failed(unknown, 'UNKNOWN_COOPERATIVE')
  assert.equal(getMembership(tc.chain.state, 'bakery', carol.did)!.role, 'volunteer')
  assert.equal(getCooperative(tc.chain.state, 'bakery')!.members, 3)
})

test('record_contribution: stored with its story; cost 50 + text/100 + 5 × tags; permission needed', () => {
  const json = genesisJson()
  ;(json.members as Array<Record<string, unknown>>).find((m) => m.did === carol.did)!.permissions = []
  const tc = new TestChain(testGenesis({ members: json.members }))
  const description = 'd'.repeat(250)
  const [r, denied] = run(tc,
    tc.tx(alice, 'record_contribution', { description, impact_story: 'é'.repeat(100), context: 'bakery', tags: ['repair', 'oven'] }),
    tc.tx(carol, 'record_contribution', { description: 'x', impact_story: 'y', context: 'z', tags: ['t'] })
  )
  ok(r)
  // 250 bytes + 200 bytes (é is two bytes in UTF-8) = 450 → 4; 2 tags → 10.
  assert.equal(r!.mana, 50 + 4 + 10)
  failed(denied, 'PERMISSION_DENIED')
  const c = getContribution(tc.chain.state, alice.did, 0)!
  assert.equal(c.description, description)
  assert.deepEqual(c.tags, ['repair', 'oven'])
  assert.equal(getMember(tc.chain.state, alice.did)!.contributions, 1)
})

test('record_mutual_aid: stored for both members and it starts a relationship', () => {
  const tc = withStrangerAccount()
  const [r, self, nonMember] = run(tc,
    tc.tx(alice, 'record_mutual_aid', { to: bob.did, description: 'Childcare on Tuesday', reciprocity_notes: 'bob fixes my bike', tags: ['care'] }),
    tc.tx(alice, 'record_mutual_aid', { to: alice.did, description: 'x', tags: ['t'] }),
    tc.tx(alice, 'record_mutual_aid', { to: stranger.did, description: 'x', tags: ['t'] })
  )
  ok(r)
  assert.equal(r!.mana, 75 + 0 + 5)
  failed(self, 'SELF_MUTUAL_AID')
  failed(nonMember, 'NOT_A_MEMBER')
  const aid = getMutualAid(tc.chain.state, alice.did, 0)!
  assert.equal(aid.reciprocityNotes, 'bob fixes my bike')
  assert.equal(aid.impactStory, undefined)
  assert.deepEqual(getMutualAidReceived(tc.chain.state, bob.did, 0), aid)
  const rel = getRelationship(tc.chain.state, bob.did, alice.did)!
  assert.equal(rel.type, 'mutual_aid')
  assert.equal(rel.interactions, 1)
  assert.equal(getInteraction(tc.chain.state, alice.did, bob.did, 0)!.kind, 'mutual_aid')
})

test('update_relationship: creates, then replaces type and story and counts interactions', () => {
  const tc = withStrangerAccount()
  const [a, self, nonMember] = run(tc,
    tc.tx(alice, 'update_relationship', { with: carol.did, relationship_type: 'mentorship', story: 'Alice teaches Carol baking' }),
    tc.tx(alice, 'update_relationship', { with: alice.did, relationship_type: 'x', story: 'y' }),
    tc.tx(alice, 'update_relationship', { with: stranger.did, relationship_type: 'x', story: 'y' })
  )
  ok(a)
  assert.equal(a!.mana, 100)
  failed(self, 'SELF_RELATIONSHIP')
  failed(nonMember, 'NOT_A_MEMBER')
  ok(run(tc, tc.tx(carol, 'update_relationship', { with: alice.did, relationship_type: 'collaboration', story: 'We run the stall', interaction: 'Market day' }))[0])
  const rel = getRelationship(tc.chain.state, alice.did, carol.did)!
  assert.equal(rel.type, 'collaboration')
  assert.equal(rel.story, 'We run the stall')
  assert.equal(rel.interactions, 1)
  assert.equal(rel.updatedBy, carol.did)
  assert.equal(getInteraction(tc.chain.state, carol.did, alice.did, 0)!.text, 'Market day')
})

test('add_endorsement: needs a relationship; no self-endorsement', () => {
  const tc = new TestChain()
  const [none, self] = run(tc,
    tc.tx(alice, 'add_endorsement', { to: carol.did, content: 'Great baker', context: 'bakery', skills: ['baking'] }),
    tc.tx(alice, 'add_endorsement', { to: alice.did, content: 'me', context: 'x', skills: ['x'] })
  )
  failed(none, 'NO_RELATIONSHIP')
  failed(self, 'SELF_ENDORSEMENT')
  ok(run(tc, tc.tx(alice, 'update_relationship', { with: carol.did, relationship_type: 'mentorship', story: 's' }))[0])
  const [r] = run(tc, tc.tx(alice, 'add_endorsement', { to: carol.did, content: 'Great baker', context: 'bakery', skills: ['baking', 'patience'] }))
  ok(r)
  assert.equal(r!.mana, 60 + 0 + 20)
  assert.deepEqual(getEndorsement(tc.chain.state, carol.did, 0)!.skills, ['baking', 'patience'])
  assert.equal(getMember(tc.chain.state, carol.did)!.endorsements, 1)
  assert.equal(getRelationship(tc.chain.state, alice.did, carol.did)!.endorsements, 1)
})

test('attest: weighted by the attester\'s reputation, adds the participation tenth', () => {
  const tc = new TestChain()
  // V[0]: 213 points, over the 100 of full weight. alice: 100 points at genesis, a hair less by block 1
  // (development decays 2 %/day), so her attestation counts 99.99…%. carol has none: zero weight.
  const [r, partial, weightless] = run(tc,
    tc.tx(V[0], 'attest', { subject: bob.did, category: 'community_building', score: 5, evidence: 'ran the food drive' }),
    tc.tx(alice, 'attest', { subject: bob.did, category: 'sustainability', score: 5 }),
    tc.tx(carol, 'attest', { subject: bob.did, category: 'innovation', score: 10 })
  )
  ok(r)
  ok(partial)
  ok(weightless)
  const rep = reputationAt(tc.chain.state, bob.did, tc.time)
  assert.equal(rep.community_building, 5_000)
  assert.equal(rep.sustainability, 4_999)
  assert.equal(rep.participation, 500 + 499)
  assert.equal(rep.innovation, 0)
})

test('attest: no self-attestation, one per pair and category per epoch, rate limit, score range', () => {
  const tc = new TestChain(testGenesis({ economics: { epochLength: 3, attestationsPerEpoch: 2 } }))
  const [self, first, dup, otherCategory, limited, range] = run(tc,
    tc.tx(alice, 'attest', { subject: alice.did, category: 'development', score: 1 }),
    tc.tx(alice, 'attest', { subject: bob.did, category: 'development', score: 1 }),
    tc.tx(alice, 'attest', { subject: bob.did, category: 'development', score: 2 }),
    tc.tx(alice, 'attest', { subject: bob.did, category: 'innovation', score: 1 }),
    tc.tx(alice, 'attest', { subject: carol.did, category: 'innovation', score: 1 }),
    tc.tx(V[0], 'attest', { subject: bob.did, category: 'voting', score: 11 })
  )
  failed(self, 'SELF_ATTESTATION')
  ok(first)
  failed(dup, 'DUPLICATE_ATTESTATION')
  ok(otherCategory)
  failed(limited, 'RATE_LIMITED')
  failed(range, 'SCORE_OUT_OF_RANGE')
  // Heights 1–2 are epoch 0; height 3 starts epoch 1: the same pair may attest again.
  tc.next()
  ok(run(tc, tc.tx(alice, 'attest', { subject: bob.did, category: 'development', score: -1 }))[0])
  assert.equal(reputationAt(tc.chain.state, bob.did, tc.time).development, 0, 'negative attestations floor at zero')
  assert.throws(() => tc.tx(alice, 'attest', { subject: bob.did, category: 'validation' as 'voting', score: 1 }),
    (err: unknown) => err instanceof TxError && err.code === 'MALFORMED' && err.field === 'payload.category')
})

test('validator_candidacy: a member declares and withdraws; eligible candidates join the set', () => {
  const tc = new TestChain()
  ok(run(tc, tc.tx(alice, 'validator_candidacy', { active: true }))[0])
  assert.ok(getCandidates(tc.chain.state).includes(alice.did))
  // alice has 100 points (minimum): a validator from the next height on... once decay is not below it.
  const set = validatorSetAt(tc.chain.state)
  assert.equal(set.byDid.has(alice.did), false, '100 points decayed a little since genesis: below the minimum')
  ok(run(tc, tc.tx(V[0], 'attest', { subject: alice.did, category: 'innovation', score: 10 }))[0])
  assert.ok(validatorSetAt(tc.chain.state).byDid.has(alice.did))
  ok(run(tc, tc.tx(alice, 'validator_candidacy', { active: false }))[0])
  assert.equal(validatorSetAt(tc.chain.state).byDid.has(alice.did), false)
})
