/** Schema pieces shared by the transaction payloads, and the byte-length measure costs use. */
import { z, text } from '../../codec/index.ts'
import { isDid } from '../../identity/index.ts'

export const did = z.string().refine(isDid, 'must be an Ed25519 did:key')

/** Limits on free text. The payload cap (economics.maxTxPayloadBytes) and mana bound them further. */
export const TEXT = {
  short: 256,
  long: 65_536,
  tag: 64,
  tags: 32
} as const

export const shortText = text(TEXT.short)
export const longText = text(TEXT.long)
/** A non-empty list of short labels (tags, skills): at least one, SPEC §4. */
export const labels = z.array(text(TEXT.tag)).min(1, 'needs at least one entry').max(TEXT.tags)

/** UTF-8 byte length: costs depend on bytes so every implementation counts the same. */
export function utf8Length (s: string | undefined): number {
  return s === undefined ? 0 : Buffer.byteLength(s, 'utf8')
}
