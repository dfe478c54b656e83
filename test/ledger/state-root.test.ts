import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encode } from '../../src/codec/index.ts'
import { LedgerState, StateTree, EMPTY_HASH, StateError } from '../../src/ledger/index.ts'
import { makeLeaf } from '../../src/ledger/state/tree.ts'
import { hex } from './helpers.ts'

const utf8 = new TextEncoder()

function entries (n: number, salt = ''): Array<{ key: Uint8Array, value: Uint8Array }> {
  return Array.from({ length: n }, (_, i) => ({ key: utf8.encode(`acct/k${i}`), value: encode({ i, salt }) }))
}

function shuffle<T> (xs: T[], seed: number): T[] {
  const out = [...xs]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

test('the empty state has the all-zero root', () => {
  assert.equal(hex(LedgerState.empty().stateRoot()), hex(Buffer.from(EMPTY_HASH, 'latin1')))
})

test('the root depends on the key/value set, not on insertion order', () => {
  const es = entries(500)
  const a = LedgerState.fromEntries(es)
  const b = LedgerState.fromEntries(shuffle(es, 7))
  assert.equal(hex(a.stateRoot()), hex(b.stateRoot()))
  // Built incrementally, in yet another order and in several batches.
  let tree = new StateTree()
  const leaves = shuffle(es, 99).map((e) => makeLeaf(new TextDecoder().decode(e.key), e.value))
  for (let i = 0; i < leaves.length; i += 37) tree = tree.apply(leaves.slice(i, i + 37).map((l) => ({ path: l.path, leaf: l })))
  assert.equal(hex(tree.rootHash()), hex(a.stateRoot()))
})

test('a different value or one more key changes the root', () => {
  const base = LedgerState.fromEntries(entries(50))
  const changed = LedgerState.fromEntries(entries(50, 'x'))
  const more = LedgerState.fromEntries(entries(51))
  assert.notEqual(hex(base.stateRoot()), hex(changed.stateRoot()))
  assert.notEqual(hex(base.stateRoot()), hex(more.stateRoot()))
})

test('writing then deleting a key restores the previous root', () => {
  const state = LedgerState.fromEntries(entries(100))
  const before = hex(state.stateRoot())
  const put = state.overlay()
  put.write('acct/new', { balance: 5 })
  state.apply(put.changes())
  assert.notEqual(hex(state.stateRoot()), before)
  const del = state.overlay()
  del.write('acct/new', null)
  state.apply(del.changes())
  assert.equal(hex(state.stateRoot()), before)
})

test('deleting down to one key and to none gives that key\'s leaf and then the empty root', () => {
  const state = LedgerState.fromEntries(entries(3))
  const o = state.overlay()
  o.write('acct/k0', null)
  o.write('acct/k1', null)
  state.apply(o.changes())
  const only = makeLeaf('acct/k2', encode({ i: 2, salt: '' }))
  assert.equal(hex(state.stateRoot()), hex(Buffer.from(only.hash, 'latin1')))
  const o2 = state.overlay()
  o2.write('acct/k2', null)
  state.apply(o2.changes())
  assert.equal(hex(state.stateRoot()), hex(LedgerState.empty().stateRoot()))
})

test('a discarded overlay leaves the committed state and root unchanged', () => {
  const state = LedgerState.fromEntries(entries(100))
  const root = hex(state.stateRoot())
  const o = state.overlay()
  o.write('acct/k5', { balance: 999 })
  o.write('acct/k6', null)
  const changes = o.changes()
  assert.notEqual(hex(changes.stateRoot), root)
  // Dropped: nothing applied.
  assert.equal(hex(state.stateRoot()), root)
  assert.deepEqual(state.get('acct/k6'), encode({ i: 6, salt: '' }))
})

test('the writes of an overlay, persisted and reloaded, reproduce its root', () => {
  const es = entries(200)
  const state = LedgerState.fromEntries(es)
  const o = state.overlay()
  o.write('acct/k1', { balance: 1 })
  o.write('acct/k2', null)
  o.write('member/x', { name: 'x' })
  o.write('acct/k3', { i: 3, salt: '' }) // same bytes as before: not a write
  const changes = o.changes()
  assert.deepEqual(changes.writes.map((w) => new TextDecoder().decode(w.key)), ['acct/k1', 'acct/k2', 'member/x'])
  assert.equal(changes.writes[1]!.value, null)
  // A "database" of the original entries plus the writes.
  const db = new Map(es.map((e) => [hex(e.key), e]))
  for (const w of changes.writes) {
    if (w.value === null) db.delete(hex(w.key))
    else db.set(hex(w.key), { key: w.key, value: w.value })
  }
  state.apply(changes)
  const reloaded = LedgerState.fromEntries(db.values())
  assert.equal(hex(reloaded.stateRoot()), hex(state.stateRoot()))
  assert.equal(hex(reloaded.stateRoot()), hex(changes.stateRoot))
})

test('changes computed on an older version of the state are refused', () => {
  const state = LedgerState.fromEntries(entries(10))
  const a = state.overlay()
  const b = state.overlay()
  a.write('acct/k1', { v: 1 })
  b.write('acct/k2', { v: 2 })
  const changesB = b.changes()
  state.apply(a.changes())
  assert.throws(() => state.apply(changesB), (err: unknown) => err instanceof StateError && err.code === 'STALE_CHANGES')
})

test('a child overlay is isolated until merged; values read are frozen', () => {
  const state = LedgerState.fromEntries(entries(10))
  const block = state.overlay()
  const tx = block.child()
  tx.write('acct/k1', { balance: 7 })
  assert.equal(block.read('acct/k1') !== undefined && (block.read('acct/k1') as { i: number }).i, 1)
  tx.mergeIntoParent()
  assert.deepEqual(block.read('acct/k1'), { balance: 7 })
  const v = block.read('acct/k1') as { balance: number }
  assert.throws(() => { (v as { balance: number }).balance = 8 }, TypeError)
})

test('fromEntries refuses duplicate keys', () => {
  const es = entries(3)
  assert.throws(() => LedgerState.fromEntries([...es, es[0]!]), (err: unknown) => err instanceof StateError && err.code === 'CORRUPT_ENTRY')
})
