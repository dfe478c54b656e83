/**
 * Members (SPEC §1) and cooperatives. A member record holds the profile, the primary cooperative,
 * permissions and the counters that number the member's contributions, mutual aid and endorsements
 * (records are keyed by those sequence numbers, so listing them is a prefix scan).
 */
import { z, text } from '../../codec/index.ts'
import { TxError } from '../errors.ts'
import type { StateReader, StateOverlay } from './store.ts'
import { Keys } from './keys.ts'

export interface Profile {
  name: string
  bio?: string
  location?: string
  links?: string[]
}

export const profileSchema = z.strictObject({
  name: text(128),
  bio: text(4096).optional(),
  location: text(128).optional(),
  links: z.array(text(512)).max(16).optional()
})

export interface Member {
  did: string
  profile: Profile
  /** The member's primary cooperative (the first joined), or null. */
  cooperative: string | null
  permissions: string[]
  /** Block time of registration. */
  joinedAt: number
  /** The member who registered this one; null for genesis members. */
  sponsor: string | null
  contributions: number
  mutualAidGiven: number
  mutualAidReceived: number
  endorsements: number
}

export interface Cooperative {
  id: string
  name: string
  purpose: string
  founder: string
  createdAt: number
  members: number
}

export interface Membership {
  role: string
  since: number
}

export function getMember (view: StateReader, did: string): Member | undefined {
  return view.read(Keys.member(did)) as Member | undefined
}

export function putMember (view: StateOverlay, member: Member): void {
  view.write(Keys.member(member.did), member)
}

/** The member record of `did`, or NOT_A_MEMBER naming `field`. */
export function requireMember (view: StateReader, did: string, field: string): Member {
  const member = getMember(view, did)
  if (member === undefined) throw new TxError('NOT_A_MEMBER', field, `${did} is not a registered member`)
  return member
}

/** `member` holding `permission`, or PERMISSION_DENIED. */
export function requirePermission (member: Member, permission: string): void {
  if (!member.permissions.includes(permission)) {
    throw new TxError('PERMISSION_DENIED', 'from', `${member.did} lacks the permission ${permission}`)
  }
}

export function getCooperative (view: StateReader, id: string): Cooperative | undefined {
  return view.read(Keys.cooperative(id)) as Cooperative | undefined
}

export function putCooperative (view: StateOverlay, coop: Cooperative): void {
  view.write(Keys.cooperative(coop.id), coop)
}

export function getMembership (view: StateReader, coop: string, did: string): Membership | undefined {
  return view.read(Keys.membership(coop, did)) as Membership | undefined
}

/** Adds `did` to `coop` with `role`: the membership record, the member count, the primary cooperative. */
export function joinCooperative (view: StateOverlay, coop: Cooperative, member: Member, role: string, time: number): Member {
  view.write(Keys.membership(coop.id, member.did), { role, since: time } satisfies Membership)
  putCooperative(view, { ...coop, members: coop.members + 1 })
  const updated = member.cooperative === null ? { ...member, cooperative: coop.id } : member
  putMember(view, updated)
  return updated
}
