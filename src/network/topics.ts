/**
 * Gossip topic naming and the gossip message id (protocols/README.md, "Gossip").
 *
 * The application names a topic by a short word ('tx', 'vote'); on the wire it is
 * `/icn/<networkId>/<name>/1`, so two networks (two genesis CIDs) never share a mesh even when their
 * peers meet, and a new message format gets a new version suffix instead of a silent change.
 */
import { varint } from 'multiformats'
import { sha256, parseCid, type CID } from '../codec/index.ts'
import { NetworkError } from './errors.ts'

/** Topic wire version; bump it with any incompatible change of a topic's message encoding. */
export const TOPIC_VERSION = '1'
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/

/** `/icn/<networkId>/<name>/1`; `name` is 1–64 of [a-z0-9-], starting with a letter or digit. */
export function topicName (networkId: CID, name: string): string {
  if (!NAME.test(name)) {
    throw new NetworkError('INVALID_TOPIC', `topic name must be 1-64 of [a-z0-9-] starting with a letter or digit, got ${JSON.stringify(name.slice(0, 80))}`)
  }
  return `/icn/${networkId.toString()}/${name}/${TOPIC_VERSION}`
}

/** The parts of a wire topic, or undefined when `topic` is not an ICN topic of the current version. */
export function parseTopicName (topic: string): { networkId: CID, name: string } | undefined {
  const parts = topic.split('/')
  if (parts.length !== 5 || parts[0] !== '' || parts[1] !== 'icn' || parts[4] !== TOPIC_VERSION) return undefined
  const networkId = parseCid(parts[2] ?? '')
  const name = parts[3] ?? ''
  if (networkId === undefined || !NAME.test(name)) return undefined
  return { networkId, name }
}

const utf8 = new TextEncoder()

/**
 * The gossip message id: sha256(varint(len(topic)) ‖ topic ‖ data). Messages carry no gossipsub
 * signature, sender or sequence number (StrictNoSign), so the id is a pure content hash and the same
 * bytes published twice, by anyone, are one message. The topic is length-prefixed into the hash so the
 * same payload on two topics is two messages.
 */
export function messageId (topic: string, data: Uint8Array): Uint8Array {
  const topicBytes = utf8.encode(topic)
  const prefixLength = varint.encodingLength(topicBytes.byteLength)
  const input = new Uint8Array(prefixLength + topicBytes.byteLength + data.byteLength)
  varint.encodeTo(topicBytes.byteLength, input, 0)
  input.set(topicBytes, prefixLength)
  input.set(data, prefixLength + topicBytes.byteLength)
  return sha256(input)
}
