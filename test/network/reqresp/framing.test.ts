/** Wire framing and rate limiting, without a network. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { encode, decode } from '../../../src/codec/index.ts'
import { encodeChunk, encodeErrorChunk, encodeRequestFrame, encodeVarint, ResultCode } from '../../../src/network/reqresp/index.ts'
import { decodeErrorMessage } from '../../../src/network/reqresp/framing.ts'
import { RateLimiter } from '../../../src/network/reqresp/rate-limiter.ts'
import { DEFAULT_RATE_LIMITS } from '../../../src/network/reqresp/constants.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('framing', () => {
  it('encodes unsigned LEB128 varints (multiformats vectors)', () => {
    const vectors: Array<[number, string]> = [[0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [255, 'ff01'], [300, 'ac02'], [16384, '808001']]
    for (const [n, expected] of vectors) assert.equal(hex(encodeVarint(n)), expected, String(n))
    assert.throws(() => encodeVarint(-1), RangeError)
    assert.throws(() => encodeVarint(1.5), RangeError)
  })

  it('frames a request as varint length ‖ DAG-CBOR body', () => {
    const body = encode({ count: 2, start: 1 })
    // {"count": 2, "start": 1}: a2 65 "count" 02 65 "start" 01 (keys sorted by length, then bytes)
    assert.equal(hex(body), 'a265636f756e74026573746172740' + '1')
    assert.equal(hex(encodeRequestFrame(body)), '0f' + hex(body))
    assert.deepEqual(decode(encodeRequestFrame(body).subarray(1)), { count: 2, start: 1 })
  })

  it('frames a chunk as result code ‖ varint length ‖ payload', () => {
    const payload = new Uint8Array(200).fill(7)
    const chunk = encodeChunk(ResultCode.Success, payload)
    assert.equal(hex(chunk.subarray(0, 3)), '00c801')
    assert.equal(chunk.byteLength, 203)
    const error = encodeErrorChunk(ResultCode.RateLimited, 'slow down')
    assert.equal(error[0], 3)
    assert.equal(decodeErrorMessage(error.subarray(2)), 'slow down')
    assert.equal(decodeErrorMessage(Uint8Array.of(0xff)), undefined)
    assert.equal(decodeErrorMessage(encodeErrorChunk(ResultCode.ServerError, 'x'.repeat(1000)).subarray(3))?.length, 256)
  })
})

describe('rate limiter', () => {
  it('charges requests and blocks per peer and method, refilling over time', () => {
    let now = 0
    const limiter = new RateLimiter({
      ...DEFAULT_RATE_LIMITS,
      blocks_by_range: { requests: { capacity: 3, refillPerSecond: 1 }, blocks: { capacity: 100, refillPerSecond: 10 } }
    }, () => now, 10)
    assert.equal(limiter.allow('a', 'blocks_by_range', 60), true)
    assert.equal(limiter.allow('a', 'blocks_by_range', 60), false, 'block bucket short: 40 left')
    assert.equal(limiter.allow('b', 'blocks_by_range', 60), true, 'another peer has its own buckets')
    assert.equal(limiter.allow('a', 'blocks_by_range', 40), true, 'the refused request still counted: third request')
    assert.equal(limiter.allow('a', 'blocks_by_range', 0), false, 'three requests used up')
    now += 2000
    assert.equal(limiter.allow('a', 'blocks_by_range', 20), true, 'refilled: 2 requests, 20 blocks')
    assert.equal(limiter.allow('a', 'blocks_by_range', 1), false, 'blocks used up again')
  })

  it('forgets peers whose buckets refilled once the table is full', () => {
    let now = 0
    const limiter = new RateLimiter(DEFAULT_RATE_LIMITS, () => now, 4)
    for (const p of ['a', 'b', 'c', 'd']) limiter.allow(p, 'status', 0)
    assert.equal(limiter.size, 4)
    now += 60_000
    limiter.allow('e', 'status', 0)
    assert.equal(limiter.size, 1)
  })
})
