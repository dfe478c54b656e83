/**
 * The relationship system (seeds/000): relationships between two members with their story and
 * interactions, contributions with impact stories, mutual aid given and received, endorsements. These
 * records are testimony, not scores: they do not raise reputation by themselves (only attestations,
 * consensus work and governance do, SPEC §6), so nobody can mint reputation by writing about themselves.
 */
import type { CID } from '../../codec/index.ts'
import type { StateReader, StateOverlay } from './store.ts'
import { Keys, pair } from './keys.ts'

export interface Relationship {
  /** The two members, sorted. */
  members: [string, string]
  type: string
  story: string
  startedAt: number
  updatedAt: number
  updatedBy: string
  interactions: number
  endorsements: number
}

export interface Interaction {
  by: string
  kind: 'update' | 'mutual_aid'
  text: string
  at: number
  tx: CID
}

export interface Contribution {
  contributor: string
  description: string
  impactStory: string
  context: string
  tags: string[]
  at: number
  tx: CID
}

export interface MutualAid {
  provider: string
  receiver: string
  description: string
  impactStory?: string
  reciprocityNotes?: string
  tags: string[]
  at: number
  tx: CID
}

export interface Endorsement {
  from: string
  to: string
  content: string
  context: string
  skills: string[]
  at: number
  tx: CID
}

export function getRelationship (view: StateReader, a: string, b: string): Relationship | undefined {
  return view.read(Keys.relationship(a, b)) as Relationship | undefined
}

/**
 * Creates or updates the relationship of `by` and `other`, appending an interaction when `text` is
 * given. A new relationship takes `type`/`story`; an existing one keeps its type unless `replace`.
 */
export function touchRelationship (view: StateOverlay, opts: {
  by: string
  other: string
  type: string
  story: string
  replace: boolean
  interaction?: { kind: Interaction['kind'], text: string }
  time: number
  tx: CID
}): Relationship {
  const existing = getRelationship(view, opts.by, opts.other)
  const base: Relationship = existing ?? {
    members: pair(opts.by, opts.other),
    type: opts.type,
    story: opts.story,
    startedAt: opts.time,
    updatedAt: opts.time,
    updatedBy: opts.by,
    interactions: 0,
    endorsements: 0
  }
  const rel: Relationship = {
    ...base,
    type: existing !== undefined && opts.replace ? opts.type : base.type,
    story: existing !== undefined && opts.replace ? opts.story : base.story,
    updatedAt: opts.time,
    updatedBy: opts.by,
    interactions: base.interactions + (opts.interaction !== undefined ? 1 : 0)
  }
  if (opts.interaction !== undefined) {
    const record: Interaction = { by: opts.by, kind: opts.interaction.kind, text: opts.interaction.text, at: opts.time, tx: opts.tx }
    view.write(Keys.interaction(opts.by, opts.other, base.interactions), record)
  }
  view.write(Keys.relationship(opts.by, opts.other), rel)
  return rel
}

export function getContribution (view: StateReader, did: string, n: number): Contribution | undefined {
  return view.read(Keys.contribution(did, n)) as Contribution | undefined
}

export function getMutualAid (view: StateReader, provider: string, n: number): MutualAid | undefined {
  return view.read(Keys.mutualAid(provider, n)) as MutualAid | undefined
}

/** The n-th mutual aid `receiver` received, resolved through the index. */
export function getMutualAidReceived (view: StateReader, receiver: string, n: number): MutualAid | undefined {
  const ref = view.read(Keys.mutualAidReceived(receiver, n)) as { provider: string, n: number } | undefined
  return ref === undefined ? undefined : getMutualAid(view, ref.provider, ref.n)
}

export function getEndorsement (view: StateReader, to: string, n: number): Endorsement | undefined {
  return view.read(Keys.endorsement(to, n)) as Endorsement | undefined
}

export function getInteraction (view: StateReader, a: string, b: string, n: number): Interaction | undefined {
  return view.read(Keys.interaction(a, b, n)) as Interaction | undefined
}
