import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf, encode } from '../../src/codec/index.ts'
import {
  LedgerChain, LedgerState, BlockError, encodeBlock, encodeTx, decodeBlock, blockId, blockSize, buildTx, getAccount, getChain,
  receiptProof, verifyReceipt, TX_HANDLERS, TxError, validateBlock, executeBlock, genesisHeader, txRootOf, txId,
  type Block, type KVWrite, type Tx
} from '../../src/ledger/index.ts'
import { TestChain, alice, bob, carol, stranger, V, testGenesis, hex, BLOCK_MS } from './helpers.ts'

function blockError (fn: () => unknown, code: string, txCode?: string): BlockError {
  let caught: unknown
  assert.throws(fn, (err: unknown) => {
    caught = err
    assert.ok(err instanceof BlockError, `expected BlockError, got ${String(err)}`)
    assert.equal(err.code, code, err.message)
    if (txCode !== undefined) assert.equal(err.txCode, txCode, err.message)
    return true
  })
  return caught as BlockError
}

/** A chain with a few blocks of varied transactions; returns it and the candidate for the next block. */
function busyChain (): { tc: TestChain, candidate: Block } {
  const tc = new TestChain()
  tc.next([tc.tx(alice, 'transfer', { to: bob.did, amount: 1_000 }), tc.tx(bob, 'update_relationship', { with: carol.did, relationship_type: 'collaboration', story: 's' })])
  tc.next([tc.tx(alice, 'register_member', { did: stranger.did, profile: { name: 'dana' } })])
  tc.next([])
  const candidate = tc.chain.build({ timestamp: tc.chain.head.timestamp + BLOCK_MS, round: 0, lastCommit: tc.lastCommit }, [tc.tx(bob, 'transfer', { to: carol.did, amount: 7 })]).block
  return { tc, candidate }
}

/** Rebuilds a block with a changed header (the id changes with it). */
function withHeader (block: Block, change: Partial<Block['header']>): Block {
  return { header: { ...block.header, ...change }, txs: block.txs }
}

test('the same blocks applied on independent states give identical roots, and persisted writes reload them', () => {
  const { tc } = busyChain()
  const fresh = LedgerChain.fromGenesis(tc.genesis)
  // A "database": genesis entries, then each block's writes.
  const db = new Map<string, KVWrite>([...fresh.state.entries()].map((e) => [hex(e.key), e]))
  for (const block of tc.blocks) {
    assert.equal(hex(executeBlock(fresh.state, block).stateRoot), hex(block.header.stateRoot))
    const writes = fresh.commit(block, fresh.validate(block))
    for (const w of writes) db.set(hex(w.key), w)
    assert.equal(hex(fresh.state.stateRoot()), hex(block.header.stateRoot))
  }
  assert.equal(hex(fresh.state.stateRoot()), hex(tc.chain.state.stateRoot()))
  assert.equal(hex(tc.replica.state.stateRoot()), hex(tc.chain.state.stateRoot()))
  const reloaded = LedgerState.fromEntries([...db.values()].filter((w) => w.value !== null) as Array<{ key: Uint8Array, value: Uint8Array }>)
  assert.equal(hex(reloaded.stateRoot()), hex(tc.chain.state.stateRoot()))
  // A chain restarted from the reloaded state accepts the next block like the others.
  const restarted = new LedgerChain(reloaded, tc.chain.head)
  const next = tc.chain.build({ timestamp: tc.chain.head.timestamp + BLOCK_MS, round: 0, lastCommit: tc.lastCommit }, []).block
  restarted.validate(next)
})

test('encode → decode keeps a block and its id; decoding is strict', () => {
  const { candidate } = busyChain()
  const bytes = encodeBlock(candidate)
  assert.equal(blockSize(candidate), bytes.byteLength)
  const back = decodeBlock(bytes)
  assert.equal(blockId(back.header).toString(), blockId(candidate.header).toString())
  assert.deepEqual(encodeBlock(back), bytes)
  blockError(() => decodeBlock(bytes, 100), 'TOO_LARGE')
  const e = blockError(() => decodeBlock(encodeBlock(withHeader(candidate, { round: -1 }))), 'MALFORMED')
  assert.equal(e.field, 'header.round')
  blockError(() => decodeBlock(encodeBlock(withHeader(candidate, { parent: null }))), 'MALFORMED')
  // transactions are byte strings holding canonical transactions
  const header = candidate.header
  assert.equal(blockError(() => decodeBlock(encode({ header, txs: [encode({ hello: 'world' })] })), 'MALFORMED').field.startsWith('txs.0'), true)
  assert.equal(blockError(() => decodeBlock(encode({ header, txs: [Uint8Array.of(0xff)] })), 'MALFORMED').field, 'txs.0')
  assert.equal(blockError(() => decodeBlock(encode({ header, txs: candidate.txs })), 'MALFORMED').field, 'txs.0', 'a transaction map instead of its bytes')
})

test('a block encodes as {header, txs: [transaction bytes]}: assembled from cached encodings, equal to the codec\'s at every head size', () => {
  const { candidate } = busyChain()
  const tc = new TestChain()
  const many = Array.from({ length: 300 }, (_, i) => tc.tx(alice, 'transfer', { to: bob.did, amount: 1 }, { nonce: i }))
  for (const n of [0, 1, 23, 24, 255, 256, 300]) {
    const block = { header: candidate.header, txs: many.slice(0, n) }
    assert.deepEqual(encodeBlock(block), encode({ header: block.header, txs: block.txs.map(encodeTx) }), `${n} transactions`)
  }
})

test('structural rules: parent, height, time, network, proposer, roots, commit', () => {
  const { tc, candidate } = busyChain()
  const { state, head } = tc.chain
  const root = hex(state.stateRoot())
  const validate = (block: Block, opts = {}): ExecutedLike => validateBlock(state, head, block, opts)
  type ExecutedLike = ReturnType<typeof validateBlock>
  validate(candidate)
  blockError(() => validate(withHeader(candidate, { parent: cidOf('not the parent') })), 'WRONG_PARENT')
  blockError(() => validate(withHeader(candidate, { height: head.height + 2 })), 'WRONG_HEIGHT')
  blockError(() => validate(withHeader(candidate, { timestamp: head.timestamp })), 'TIMESTAMP_NOT_INCREASING')
  blockError(() => validate(candidate, { now: candidate.header.timestamp - 5_001 }), 'TIMESTAMP_IN_FUTURE')
  validate(candidate, { now: candidate.header.timestamp - 5_000 })
  blockError(() => validate(withHeader(candidate, { network: cidOf('elsewhere') })), 'WRONG_NETWORK')
  blockError(() => validate(withHeader(candidate, { shard: 1 })), 'WRONG_SHARD')
  const other = V.map((k) => k.did).find((d) => d !== candidate.header.proposer)!
  blockError(() => validate(withHeader(candidate, { proposer: other })), 'WRONG_PROPOSER')
  blockError(() => validate(withHeader(candidate, { txRoot: new Uint8Array(32) })), 'TX_ROOT_MISMATCH')
  blockError(() => validate({ header: candidate.header, txs: [] }), 'TX_ROOT_MISMATCH')
  blockError(() => validate(withHeader(candidate, { stateRoot: new Uint8Array(32) })), 'STATE_ROOT_MISMATCH')
  blockError(() => validate(withHeader(candidate, { receiptsRoot: new Uint8Array(32) })), 'RECEIPTS_ROOT_MISMATCH')
  blockError(() => validate(withHeader(candidate, { lastCommit: null })), 'MISSING_COMMIT')
  blockError(() => validateBlock(state, { ...head, stateRoot: new Uint8Array(32) }, candidate), 'STATE_MISMATCH')
  // Nothing above touched the committed state.
  assert.equal(hex(state.stateRoot()), root)
  assert.equal(getChain(state).height, head.height)
})

test('lastCommit must be a quorum of valid precommits from the parent\'s validator set', () => {
  const { tc, candidate } = busyChain()
  const { state, head } = tc.chain
  const commit = candidate.header.lastCommit!
  const validate = (c: typeof commit | null): unknown => validateBlock(state, head, withHeader(candidate, { lastCommit: c }))
  // Two of four is not more than 2/3.
  blockError(() => validate({ ...commit, signatures: commit.signatures.slice(0, 2) }), 'COMMIT_NO_QUORUM')
  blockError(() => validate({ ...commit, signatures: [...commit.signatures, commit.signatures[0]!] }), 'COMMIT_DUPLICATE_SIGNER')
  const bad = commit.signatures.map((s, i) => (i === 0 ? { ...s, signature: new Uint8Array(64) } : s))
  blockError(() => validate({ ...commit, signatures: bad }), 'COMMIT_BAD_SIGNATURE')
  blockError(() => validate({ ...commit, signatures: [...commit.signatures, { validator: alice.did, signature: new Uint8Array(64) }] }), 'COMMIT_UNKNOWN_SIGNER')
  blockError(() => validate({ ...commit, height: commit.height - 1 }), 'INVALID_COMMIT')
  blockError(() => validate({ ...commit, block: cidOf('another block') }), 'INVALID_COMMIT')
  // Three of four is enough; with the fourth missing, rewards differ, so the header's roots must too.
  blockError(() => validate({ ...commit, signatures: commit.signatures.slice(0, 3) }), 'STATE_ROOT_MISMATCH')
  const three = tc.chain.build({ timestamp: candidate.header.timestamp, round: 0, lastCommit: { ...commit, signatures: commit.signatures.slice(0, 3) } }, candidate.txs).block
  tc.replica.validate(three)
})

test('block 1 carries no commit', () => {
  const tc = new TestChain()
  const built = tc.chain.build({ timestamp: tc.chain.head.timestamp + BLOCK_MS, round: 0, lastCommit: null }, [])
  const fake = { height: 0, round: 0, block: tc.chain.headId, signatures: [] }
  blockError(() => tc.replica.validate(withHeader(built.block, { lastCommit: fake })), 'UNEXPECTED_COMMIT')
  tc.replica.validate(built.block)
})

test('a chain with a corrupted block fails validation at that block', () => {
  const { tc } = busyChain()
  tc.next([tc.tx(alice, 'transfer', { to: carol.did, amount: 3 })])
  const replay = (blocks: Block[]): number => {
    const chain = LedgerChain.fromGenesis(tc.genesis)
    for (const [i, block] of blocks.entries()) {
      try {
        chain.commit(block, chain.validate(block))
      } catch (err) {
        assert.ok(err instanceof BlockError)
        return i
      }
    }
    return -1
  }
  assert.equal(replay(tc.blocks), -1)
  // A tampered transaction inside block 2 (index 1).
  const tampered = [...tc.blocks]
  const b = tampered[1]!
  const forged = buildTx(alice, { type: 'register_member', payload: { did: carol.did, profile: { name: 'x' } }, nonce: 1, network: tc.network, timestamp: b.txs[0]!.timestamp })
  tampered[1] = { header: b.header, txs: [forged] }
  assert.equal(replay(tampered), 1)
  // A rewritten parent link in block 3.
  const relinked = [...tc.blocks]
  relinked[2] = withHeader(relinked[2]!, { parent: cidOf('corrupt') })
  assert.equal(replay(relinked), 2)
})

test('a block with a transaction that breaks an inclusion rule is invalid as a whole', () => {
  const tc = new TestChain()
  const first = tc.tx(alice, 'transfer', { to: bob.did, amount: 1 })
  tc.next([first])
  const root = hex(tc.replica.state.stateRoot())
  /** A block whose header is right except that it was built without `txs`, with the txRoot fixed up. */
  const withTxs = (...txs: Tx[]): Block => {
    const empty = tc.chain.build({ timestamp: tc.chain.head.timestamp + BLOCK_MS, round: 0, lastCommit: tc.lastCommit }, []).block
    return { header: { ...empty.header, txRoot: txRootOf(txs.map(txId)) }, txs }
  }
  const replay = blockError(() => tc.replica.validate(withTxs(first)), 'INVALID_TX', 'NONCE_TOO_LOW')
  assert.equal(replay.field, 'txs.0.nonce')
  // carol has 1000 mana: ten 100-mana transfers exhaust it, the eleventh cannot be included.
  const drain = Array.from({ length: 11 }, () => tc.tx(carol, 'transfer', { to: bob.did, amount: 1 }))
  const e = blockError(() => tc.replica.validate(withTxs(...drain)), 'INVALID_TX', 'INSUFFICIENT_MANA')
  assert.equal(e.field, 'txs.10.from')
  const gap = blockError(() => tc.replica.validate(withTxs(tc.tx(bob, 'transfer', { to: alice.did, amount: 1 }, { nonce: 3 }))), 'INVALID_TX', 'NONCE_GAP')
  assert.equal(gap.field, 'txs.0.nonce')
  assert.equal(hex(tc.replica.state.stateRoot()), root)
})

test('buildBlock: takes candidates in order, fixes nonce order per sender, skips what cannot be admitted', () => {
  const tc = new TestChain()
  const a0 = tc.tx(alice, 'transfer', { to: bob.did, amount: 1 })
  const a1 = tc.tx(alice, 'transfer', { to: bob.did, amount: 2 })
  const a2 = tc.tx(alice, 'transfer', { to: bob.did, amount: 3 })
  const b0 = tc.tx(bob, 'transfer', { to: alice.did, amount: 1 })
  const otherNet = new TestChain(testGenesis({ network: 'other' })).tx(carol, 'transfer', { to: bob.did, amount: 1 })
  const noAccount = tc.tx(stranger, 'transfer', { to: bob.did, amount: 1 })
  const gap = tc.tx(bob, 'transfer', { to: alice.did, amount: 1 }, { nonce: 7 })
  const { block, executed } = tc.next([a2, b0, a1, otherNet, a0, noAccount, gap])
  assert.deepEqual(block.txs.map((t) => `${t.from === alice.did ? 'a' : 'b'}${t.nonce}`), ['b0', 'a0', 'a1', 'a2'])
  assert.ok(executed.receipts.every((r) => r.ok))
  assert.equal(getAccount(tc.chain.state, alice.did)!.nonce, 3)
})

test('buildBlock: respects maxBlockTxs and maxBlockBytes; an empty block is valid', () => {
  const tc = new TestChain(testGenesis({ consensus: { maxBlockTxs: 2 } }))
  const txs = [0, 1, 2].map(() => tc.tx(alice, 'transfer', { to: bob.did, amount: 1 }))
  assert.equal(tc.next(txs).block.txs.length, 2)
  const empty = tc.next([])
  assert.equal(empty.block.txs.length, 0)
  assert.deepEqual(empty.executed.receipts, [])

  const small = new TestChain(testGenesis({ consensus: { maxBlockBytes: 4_000 } }))
  const big = [0, 1, 2].map(() => small.tx(alice, 'record_contribution', { description: 'x'.repeat(1_200), impact_story: 'y', context: 'c', tags: ['t'] }))
  const built = small.next(big).block
  assert.equal(built.txs.length, 2)
  assert.ok(encodeBlock(built).byteLength <= 4_000)
})

test('too many transactions or bytes make a block invalid', () => {
  const strict = new TestChain(testGenesis({ consensus: { maxBlockTxs: 1, maxBlockBytes: 3_000 } }))
  const txs = [0, 1].map(() => strict.tx(alice, 'transfer', { to: bob.did, amount: 1 }))
  const one = strict.chain.build({ timestamp: strict.chain.head.timestamp + BLOCK_MS, round: 0, lastCommit: null }, txs)
  assert.equal(one.block.txs.length, 1)
  blockError(() => strict.replica.validate({ header: { ...one.block.header, txRoot: txRootOf(txs.map(txId)) }, txs }), 'TOO_MANY_TXS')
  const big = strict.tx(alice, 'record_contribution', { description: 'x'.repeat(3_000), impact_story: 'y', context: 'c', tags: ['t'] }, { nonce: 0 })
  blockError(() => strict.replica.validate({ header: { ...one.block.header, txRoot: txRootOf([txId(big)]) }, txs: [big] }), 'TOO_LARGE')
})

test('a failed transaction is charged and receipted but never half-applied', () => {
  const tc = new TestChain()
  const handler = TX_HANDLERS.record_contribution
  const original = handler.apply
  // A rule that fails after writing: the executor must drop the write.
  handler.apply = (ctx, p) => {
    original(ctx, p)
    throw new TxError('PERMISSION_DENIED', 'payload', 'fails after writing')
  }
  try {
    const tx = tc.tx(alice, 'record_contribution', { description: 'd', impact_story: 'i', context: 'c', tags: ['t'] })
    const manaBefore = getAccount(tc.chain.state, alice.did)!.mana
    const { executed } = tc.next([tx])
    assert.deepEqual(executed.receipts.map((r) => [r.ok, r.code, r.mana]), [[false, 'PERMISSION_DENIED', 55]])
    assert.equal(tc.chain.state.get(`contrib/${alice.did}/0000000000`), undefined)
    const after = getAccount(tc.chain.state, alice.did)!
    assert.equal(after.nonce, 1)
    assert.ok(after.mana < manaBefore)
  } finally {
    handler.apply = original
  }
})

test('receipt proofs verify against the header\'s receiptsRoot', () => {
  const tc = new TestChain()
  const txs = [tc.tx(alice, 'transfer', { to: bob.did, amount: 1 }), tc.tx(bob, 'transfer', { to: bob.did, amount: 1 }), tc.tx(carol, 'transfer', { to: bob.did, amount: 1 })]
  const { block, executed } = tc.next(txs)
  assert.deepEqual(executed.receipts.map((r) => r.code), [null, 'SELF_TRANSFER', 'INSUFFICIENT_BALANCE'])
  for (let i = 0; i < executed.receipts.length; i++) {
    const proof = receiptProof(executed.receipts, i)
    assert.ok(verifyReceipt(block.header.receiptsRoot, executed.receipts[i]!, proof))
    assert.equal(verifyReceipt(block.header.receiptsRoot, { ...executed.receipts[i]!, ok: !executed.receipts[i]!.ok }, proof), false)
  }
})

test('the genesis header commits to the genesis state; block 1 links to it', () => {
  const tc = new TestChain()
  const header = genesisHeader(LedgerChain.fromGenesis(tc.genesis).state)
  assert.equal(blockId(header).toString(), tc.chain.headId.toString())
  const { block } = tc.next([])
  assert.equal(block.header.parent!.toString(), blockId(header).toString())
  assert.equal(block.header.lastCommit, null)
})

test('a chain refuses a head header that is not its state\'s', () => {
  const tc = new TestChain()
  tc.next([])
  const genesis = LedgerChain.fromGenesis(tc.genesis)
  blockError(() => new LedgerChain(genesis.state, tc.chain.head), 'STATE_MISMATCH')
  blockError(() => new LedgerChain(tc.chain.state, { ...tc.chain.head, stateRoot: new Uint8Array(32) }), 'STATE_MISMATCH')
  assert.equal(new BlockError('STATE_MISMATCH', '', 'x').action, 'ignore')
  assert.equal(new BlockError('WRONG_PARENT', '', 'x').action, 'reject')
})
