/** Shard assignment (SPEC §8): a transaction and an account belong to shard hash(did) mod shards. */
import { sha256 } from '../../codec/index.ts'

export function shardOf (did: string, shards: number): number {
  if (shards <= 1) return 0
  const digest = sha256(Buffer.from(did, 'utf8'))
  // 48 bits of the hash: a safe integer, uniform enough for any realistic shard count.
  return Buffer.from(digest.buffer, digest.byteOffset, 6).readUIntBE(0, 6) % shards
}
