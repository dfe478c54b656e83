/** Rules shared by several topics, each throwing the GossipValidationError of its rule. */
import { CodecError, decodeStrict, type CID, type z } from '../../codec/index.ts'
import { GossipValidationError } from './errors.ts'

/** Strict decoding of a topic payload: TOO_LARGE over `maxBytes`, MALFORMED for anything else. */
export function decodePayload<S extends z.ZodType> (schema: S, data: Uint8Array, maxBytes: number, what: string): z.output<S> {
  // [REJECT] the payload is at most the topic's size cap
  if (data.byteLength > maxBytes) throw GossipValidationError.of('TOO_LARGE', `${what} of ${data.byteLength} bytes exceeds ${maxBytes}`)
  try {
    // [REJECT] the payload is canonical DAG-CBOR matching the topic's strict schema
    return decodeStrict(schema, data)
  } catch (err) {
    if (err instanceof CodecError) throw GossipValidationError.of('MALFORMED', `${what}: ${err.message}`, err.field)
    throw err
  }
}

/** Network and shard of a signed consensus message. */
export function checkNetworkAndShard (message: { network: CID, shard: number }, network: CID, shard: number, what: string): void {
  // [REJECT] the message is for our network
  if (!message.network.equals(network)) throw GossipValidationError.of('WRONG_NETWORK', `${what} for network ${message.network.toString()}`)
  // [REJECT] the message is for this topic's shard
  if (message.shard !== shard) throw GossipValidationError.of('WRONG_SHARD', `${what} for shard ${message.shard}, topic is shard ${shard}`)
}

/** Consensus messages are useful for the current height, the one just decided and the next one. */
export function checkHeightWindow (height: number, current: number, what: string): void {
  // [IGNORE] height >= current − 1 (older messages no longer change anything)
  if (height < current - 1) throw GossipValidationError.of('STALE', `${what} for height ${height}, deciding ${current}`)
  // [IGNORE] height <= current + 1 (we cannot check it yet; sync catches us up)
  if (height > current + 1) throw GossipValidationError.of('FUTURE', `${what} for height ${height}, deciding ${current}`)
}
