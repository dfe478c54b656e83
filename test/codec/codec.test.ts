import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  encode, decode, encodeWithCid, cidOf, decodeStrict, parseCid, CodecError, z, uint, cid, bytes, text
} from '../../src/codec/index.ts'

const isCode = (code: string, field?: string) => (err: unknown): boolean =>
  err instanceof CodecError && err.code === code && (field === undefined || err.field === field)

test('the same value gives the same bytes and CID whatever its key order', () => {
  const a = { b: 1, a: 'x', nested: { z: [1, 2], y: new Uint8Array([1, 2]) } }
  const b = { nested: { y: new Uint8Array([1, 2]), z: [1, 2] }, a: 'x', b: 1 }
  assert.deepEqual(encode(a), encode(b))
  assert.equal(cidOf(a).toString(), cidOf(b).toString())
  assert.equal(cidOf(a).version, 1)
  assert.equal(cidOf(a).code, 0x71)
  assert.equal(cidOf(a).multihash.code, 0x12)
})

test('round trip keeps values and CIDs, including links and bytes', () => {
  const link = cidOf({ hello: 'world' })
  const value = { link, data: new Uint8Array([0, 255]), n: Number.MAX_SAFE_INTEGER, neg: -5, list: ['a', null, true] }
  const { bytes: encoded, cid: id } = encodeWithCid(value)
  const back = decode(encoded) as typeof value
  assert.equal(back.link.toString(), link.toString())
  assert.deepEqual(back.data, value.data)
  assert.equal(back.n, value.n)
  assert.equal(cidOf(back).toString(), id.toString())
  assert.equal(parseCid(id.toString())?.toString(), id.toString())
  assert.equal(parseCid('not a cid'), undefined)
})

test('an undefined property encodes like an absent one', () => {
  assert.deepEqual(encode({ a: 1, b: undefined }), encode({ a: 1 }))
})

test('floats, NaN, unsafe integers and class instances have no canonical form', () => {
  assert.throws(() => encode({ amount: 1.5 }), isCode('NOT_CANONICAL', 'amount'))
  assert.throws(() => encode({ x: [1, Number.NaN] }), isCode('NOT_CANONICAL', 'x.1'))
  assert.throws(() => encode({ big: 2 ** 60 }), isCode('NOT_CANONICAL', 'big'))
  assert.throws(() => encode({ when: new Map() }), isCode('NOT_CANONICAL', 'when'))
})

test('non-canonical or malformed bytes are refused', () => {
  // Map with keys out of canonical order: {"b":1,"a":2}
  const unsorted = Uint8Array.from([0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02])
  assert.throws(() => decode(unsorted), isCode('MALFORMED'))
  assert.throws(() => decode(Uint8Array.from([0xff])), isCode('MALFORMED'))
  // Non-minimal integer: 1 encoded in two bytes
  assert.throws(() => decode(Uint8Array.from([0x18, 0x01])), isCode('MALFORMED'))
  assert.throws(() => decode(encode({ a: 'x'.repeat(100) }), 10), isCode('TOO_LARGE'))
})

test('strict schemas name the offending field', () => {
  const schema = z.strictObject({
    amount: uint,
    memo: text(8),
    parent: cid,
    sig: bytes({ len: 4 }),
    items: z.array(z.strictObject({ n: uint }))
  })
  const good = { amount: 3, memo: 'hi', parent: cidOf({}), sig: new Uint8Array(4), items: [{ n: 1 }] }
  assert.equal(decodeStrict(schema, encode(good)).amount, 3)
  assert.throws(() => decodeStrict(schema, encode({ ...good, amount: -1 })), isCode('SCHEMA', 'amount'))
  assert.throws(() => decodeStrict(schema, encode({ ...good, memo: '' })), isCode('SCHEMA', 'memo'))
  assert.throws(() => decodeStrict(schema, encode({ ...good, memo: 'x'.repeat(9) })), isCode('SCHEMA', 'memo'))
  assert.throws(() => decodeStrict(schema, encode({ ...good, parent: 'bafy' })), isCode('SCHEMA', 'parent'))
  assert.throws(() => decodeStrict(schema, encode({ ...good, sig: new Uint8Array(5) })), isCode('SCHEMA', 'sig'))
  assert.throws(() => decodeStrict(schema, encode({ ...good, items: [{ n: 1 }, { n: 'two' }] })), isCode('SCHEMA', 'items.1.n'))
  assert.throws(() => decodeStrict(schema, encode({ ...good, extra: 1 })), isCode('SCHEMA'))
  const { memo: _, ...missing } = good
  assert.throws(() => decodeStrict(schema, encode(missing)), isCode('SCHEMA', 'memo'))
})
