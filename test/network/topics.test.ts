import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../src/codec/index.ts'
import { topicName, parseTopicName, messageId, NetworkError } from '../../src/network/index.ts'

const net = cidOf({ network: 'topics-test' })

describe('topicName', () => {
  it('maps an application name to /icn/<networkId>/<name>/1', () => {
    assert.equal(topicName(net, 'tx'), `/icn/${net.toString()}/tx/1`)
    assert.equal(topicName(net, 'block-proposal'), `/icn/${net.toString()}/block-proposal/1`)
  })

  it('gives two networks different topics for the same name', () => {
    assert.notEqual(topicName(net, 'tx'), topicName(cidOf({ network: 'other' }), 'tx'))
  })

  it('refuses names outside [a-z0-9-] with INVALID_TOPIC', () => {
    for (const bad of ['', 'Tx', 'a/b', '-tx', 'tx 1', 'x'.repeat(65), 'vote/1']) {
      assert.throws(() => topicName(net, bad), (err: unknown) => err instanceof NetworkError && err.code === 'INVALID_TOPIC', bad)
    }
  })

  it('parses back what it builds and rejects anything else', () => {
    const parsed = parseTopicName(topicName(net, 'vote'))
    assert.ok(parsed)
    assert.equal(parsed.name, 'vote')
    assert.ok(parsed.networkId.equals(net))
    assert.equal(parseTopicName(`/icn/${net.toString()}/vote/2`), undefined)
    assert.equal(parseTopicName('/icn/not-a-cid/vote/1'), undefined)
    assert.equal(parseTopicName(`/eth2/${net.toString()}/vote/1`), undefined)
    assert.equal(parseTopicName(`/icn/${net.toString()}/Vote/1`), undefined)
  })
})

describe('messageId', () => {
  const data = new TextEncoder().encode('payload')

  it('is sha256(varint(len(topic)) ‖ topic ‖ data)', async () => {
    const topic = topicName(net, 'tx')
    const topicBytes = new TextEncoder().encode(topic)
    assert.ok(topicBytes.byteLength < 128, 'one-byte varint expected for this topic')
    const input = new Uint8Array([topicBytes.byteLength, ...topicBytes, ...data])
    const { createHash } = await import('node:crypto')
    assert.deepEqual(new Uint8Array(messageId(topic, data)), new Uint8Array(createHash('sha256').update(input).digest()))
  })

  it('matches the test vector in protocols/README.md', () => {
    const topic = topicName(cidOf({ example: 'icn genesis' }), 'tx')
    assert.equal(topic, '/icn/bafyreid5bvxdqx3wq25ghz5upvrqfgdrugjcumpebrfbsrr7sl2644sjwi/tx/1')
    assert.equal(Buffer.from(messageId(topic, new TextEncoder().encode('hello'))).toString('hex'),
      'f49fc2c2ecc0e4c49523e757ba1c603b9acf400e30070fc273ee54b520429a0c')
  })

  it('depends on content and topic only', () => {
    const a = messageId('/icn/x/tx/1', data)
    assert.deepEqual(messageId('/icn/x/tx/1', Uint8Array.from(data)), a)
    assert.notDeepEqual(messageId('/icn/x/vote/1', data), a)
    assert.notDeepEqual(messageId('/icn/x/tx/1', new TextEncoder().encode('payloaD')), a)
    assert.equal(a.byteLength, 32)
  })
})
