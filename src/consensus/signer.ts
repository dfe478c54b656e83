/**
 * The validator's own signing guard (STYLE 4, in the manner of a CometBFT private validator): it
 * remembers the last (height, round, step) it signed with the signed bytes, persists that before a
 * signature leaves it, and refuses anything that could be a double-sign — a different message for a
 * step already signed, or any step below it. Re-signing the identical message returns the same
 * signature, so replaying after a restart is harmless.
 *
 * Persistence is the synchronous SignerStore: `save` must be durable (written and synced) when it
 * returns. A crash between save and broadcast loses a message but never allows a conflicting one.
 */
import { encode, decode, z, uint, bytes, parse } from '../codec/index.ts'
import { Domain, type KeyPair } from '../identity/index.ts'
import { VoteType, parseVote, parseProposal, type Vote, type VoteBody, type Proposal, type ProposalBody } from './messages.ts'
import { SignerError } from './errors.ts'

/** Signing steps in protocol order within a round. */
export const SignStep = { Propose: 1, Prevote: 2, Precommit: 3 } as const
export type SignStep = typeof SignStep[keyof typeof SignStep]

export interface SignerState {
  height: number
  round: number
  step: SignStep
  /** Canonical encoding of the message body that was signed. */
  signBytes: Uint8Array
  signature: Uint8Array
}

export const signerStateSchema = z.strictObject({
  height: uint,
  round: uint,
  step: z.union([z.literal(SignStep.Propose), z.literal(SignStep.Prevote), z.literal(SignStep.Precommit)]),
  signBytes: bytes({ max: 4096 }),
  signature: bytes({ len: 64 })
})

export function parseSignerState (value: unknown): SignerState {
  return parse(signerStateSchema, value) as SignerState
}

/** Where the signer keeps its state. `save` returns only once the state is durable. */
export interface SignerStore {
  load: () => SignerState | undefined
  save: (state: SignerState) => void
}

/** A store held in memory: for tests, the simulator, and nodes that are not validators. */
export function memorySignerStore (initial?: SignerState): SignerStore {
  let state = initial
  return {
    load: () => state,
    save: (s) => { state = { ...s } }
  }
}

export interface PrivValidator {
  readonly did: string
  signVote: (body: VoteBody) => Vote
  signProposal: (body: ProposalBody) => Proposal
  lastSigned: () => SignerState | undefined
}

function compare (a: { height: number, round: number, step: number }, b: { height: number, round: number, step: number }): number {
  return a.height - b.height || a.round - b.round || a.step - b.step
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((x, i) => x === b[i])
}

export function createPrivValidator (key: KeyPair, store: SignerStore): PrivValidator {
  let last = store.load()

  /** Signs `payload` at `hrs` or throws; `previous` rebuilds the message already signed there. */
  function guard (hrs: { height: number, round: number, step: SignStep }, domain: Domain, body: object, previous: (s: SignerState) => unknown): Uint8Array {
    const signBytes = encode(body)
    if (last !== undefined) {
      const order = compare(hrs, last)
      if (order < 0) {
        throw new SignerError('SIGN_REGRESSION', `already signed at ${last.height}/${last.round}/${last.step}, refusing ${hrs.height}/${hrs.round}/${hrs.step}`)
      }
      if (order === 0) {
        if (sameBytes(signBytes, last.signBytes)) return last.signature
        throw new SignerError('DOUBLE_SIGN', `a different message was signed at ${hrs.height}/${hrs.round}/${hrs.step}`, previous(last))
      }
    }
    const signature = key.sign(domain, signBytes)
    const next: SignerState = { ...hrs, signBytes, signature }
    store.save(next)
    last = next
    return signature
  }

  return {
    did: key.did,
    lastSigned: () => last,
    signVote (body) {
      if (body.validator !== key.did) throw new SignerError('WRONG_KEY', `vote names ${body.validator}, signer is ${key.did}`)
      const step = body.type === VoteType.Prevote ? SignStep.Prevote : SignStep.Precommit
      const signature = guard({ height: body.height, round: body.round, step }, Domain.Vote, body,
        (s) => parseVote({ ...(decode(s.signBytes) as object), signature: s.signature }))
      return { ...body, signature }
    },
    signProposal (body) {
      if (body.proposer !== key.did) throw new SignerError('WRONG_KEY', `proposal names ${body.proposer}, signer is ${key.did}`)
      const signature = guard({ height: body.height, round: body.round, step: SignStep.Propose }, Domain.Proposal, body,
        (s) => parseProposal({ ...(decode(s.signBytes) as object), signature: s.signature }))
      return { ...body, signature }
    }
  }
}
