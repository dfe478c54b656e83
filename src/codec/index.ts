/**
 * Canonical codec: DAG-CBOR encoding, CIDv1/sha2-256 addressing and the strict schema layer that every
 * message from disk or network passes through before it is trusted.
 */
export { encode, decode, encodeWithCid, cidOf, cidOfBytes, parseCid, sha256, CID, DAG_CBOR_CODE } from './cbor.ts'
export { CodecError, type CodecErrorCode } from './errors.ts'
export { z, uint, posint, cid, bytes, text, parse, decodeStrict } from './schema.ts'
