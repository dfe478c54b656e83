/**
 * Signature checks behind a small interface, so the same vote is not verified twice: gossip
 * validation, the engine and commit verification all see the same precommits. The cache is keyed by
 * content (signature and encoded body), never by trust in where a message came from.
 */
import { encode } from '../codec/index.ts'
import { verifyVote, verifyProposal, voteBody, type Vote, type Proposal } from './messages.ts'

export interface SignatureVerifier {
  vote: (vote: Vote) => boolean
  proposal: (proposal: Proposal) => boolean
}

export const plainVerifier: SignatureVerifier = { vote: verifyVote, proposal: verifyProposal }

/**
 * Remembers valid signatures. Objects already seen valid are found by identity (messages are never
 * mutated after decoding); other objects by `signature ‖ encoded body`. Only successes are cached, so a
 * forged copy of a cached message still fails. When `maxEntries` is reached the cache starts over.
 */
export function cachingVerifier (maxEntries = 20_000): SignatureVerifier {
  let seen = new WeakSet<object>()
  const valid = new Set<string>()
  const remember = (obj: object, key: string): void => {
    if (valid.size >= maxEntries) {
      valid.clear()
      seen = new WeakSet()
    }
    valid.add(key)
    seen.add(obj)
  }
  const check = (obj: object, signature: Uint8Array, body: unknown, verify: () => boolean): boolean => {
    if (seen.has(obj)) return true
    const key = Buffer.from(signature).toString('base64') + Buffer.from(encode(body)).toString('base64')
    if (valid.has(key)) {
      seen.add(obj)
      return true
    }
    if (!verify()) return false
    remember(obj, key)
    return true
  }
  return {
    vote: (vote) => check(vote, vote.signature, voteBody(vote), () => verifyVote(vote)),
    proposal: (proposal) => {
      const { signature, ...body } = proposal
      return check(proposal, signature, body, () => verifyProposal(proposal))
    }
  }
}
