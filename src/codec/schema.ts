/**
 * The strict schema layer: every decoded message is checked against a zod schema whose objects are
 * `strict` (unknown fields refused). The first issue becomes a CodecError naming the field.
 */
import { z } from 'zod'
import { CID } from 'multiformats/cid'
import { CodecError } from './errors.ts'
import { decode } from './cbor.ts'

export { z }

/** A non-negative safe integer. */
export const uint = z.number().int().nonnegative().refine(Number.isSafeInteger, 'must be a safe integer')
/** A positive safe integer. */
export const posint = z.number().int().positive().refine(Number.isSafeInteger, 'must be a safe integer')

export const cid = z.custom<CID>((v) => CID.asCID(v) != null, 'must be a CID')

export function bytes (opts: { len?: number, max?: number } = {}): z.ZodType<Uint8Array> {
  return z.custom<Uint8Array>((v) => {
    if (!(v instanceof Uint8Array)) return false
    if (opts.len !== undefined && v.byteLength !== opts.len) return false
    if (opts.max !== undefined && v.byteLength > opts.max) return false
    return true
  }, opts.len !== undefined ? `must be ${opts.len} bytes` : `must be bytes${opts.max !== undefined ? ` of at most ${opts.max}` : ''}`)
}

/** A UTF-8 string of at most `max` characters; `min` defaults to 1 (fields are non-empty unless optional). */
export function text (max: number, min = 1): z.ZodString {
  return z.string().min(min, min === 1 ? 'must not be empty' : `must have at least ${min} characters`).max(max, `must have at most ${max} characters`)
}

function firstIssue (error: z.ZodError, prefix: string): CodecError {
  const issue = error.issues[0]
  const field = [prefix, ...(issue?.path ?? []).map(String)].filter((p) => p !== '').join('.')
  return new CodecError('SCHEMA', field, issue?.message ?? 'invalid value')
}

/** Checks an already-decoded value against `schema`; throws a CodecError naming the first bad field. */
export function parse<S extends z.ZodType> (schema: S, value: unknown, field = ''): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw firstIssue(result.error, field)
  return result.data
}

/** Decodes DAG-CBOR bytes (refusing more than `maxBytes`) and checks them against `schema`. */
export function decodeStrict<S extends z.ZodType> (schema: S, bytes: Uint8Array, maxBytes?: number): z.output<S> {
  return parse(schema, decode(bytes, maxBytes))
}
