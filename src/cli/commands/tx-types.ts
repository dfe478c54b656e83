/**
 * One `icn tx` subcommand per transaction type: its flags and how they become the payload. Values are
 * checked twice: here for what a flag parser can see (an integer, a boolean, JSON, a readable file),
 * then by the type's own payload schema in buildTx, whose field errors are reported under the flag
 * that set the field (`flagFor`).
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseCid } from '../../codec/index.ts'
import { fromBase64 } from '../../chain/json.ts'
import type { TxType } from '../../ledger/index.ts'
import { UsageError } from '../errors.ts'

export interface TxOption {
  /** commander flags, e.g. `--to <did>`. */
  flags: string
  description: string
  required?: boolean
  /** May be given several times; collected into an array. */
  repeatable?: boolean
}

export type Opts = Record<string, unknown>

export interface TxCommandSpec {
  /** Subcommand name (kebab-case of the type). */
  name: string
  type: TxType
  description: string
  options: TxOption[]
  payload: (opts: Opts, cwd: string) => unknown | Promise<unknown>
  /** Payload field (dotted, after `payload.`) → the flag that sets it, where it is not `--<field-with-dashes>`. */
  flags?: Record<string, string>
}

/** A strict integer flag value (negative allowed), or a usage error naming the flag. */
export function integer (value: unknown, flag: string): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag}: ${JSON.stringify(value)} is not an integer`)
  return n
}

function boolean (value: unknown, flag: string): boolean {
  if (value === 'true') return true
  if (value === 'false') return false
  throw new UsageError(`${flag}: must be true or false, got ${JSON.stringify(value)}`)
}

function str (value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function list (value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : []
}

/** A vote file: the JSON form of a signed vote (CIDs as strings, the signature as base64), as the API renders it. */
async function voteFile (path: string, flag: string, cwd: string): Promise<unknown> {
  let json: Record<string, unknown>
  try {
    json = JSON.parse(await readFile(resolve(cwd, path), 'utf8')) as Record<string, unknown>
  } catch (err) {
    throw new UsageError(`${flag}: cannot read a JSON vote from ${path}: ${(err as Error).message}`)
  }
  const cidOf = (field: string): unknown => {
    const v = json[field]
    if (v === null) return null
    const parsed = typeof v === 'string' ? parseCid(v) : undefined
    if (parsed === undefined) throw new UsageError(`${flag}: ${path}: ${field} must be a CID string`)
    return parsed
  }
  const signature = typeof json.signature === 'string' ? fromBase64(json.signature) : undefined
  if (signature === undefined) throw new UsageError(`${flag}: ${path}: signature must be base64`)
  return { ...json, network: cidOf('network'), block: cidOf('block'), signature }
}

const did = (flag: string, what: string, required = true): TxOption => ({ flags: `${flag} <did>`, description: what, required })
const repeat = (flags: string, description: string): TxOption => ({ flags, description, repeatable: true })

export const TX_COMMANDS: readonly TxCommandSpec[] = [
  {
    name: 'transfer',
    type: 'transfer',
    description: 'move cooperative credits to another member',
    options: [did('--to', 'recipient DID'), { flags: '--amount <n>', description: 'credits to move (a positive integer)', required: true }],
    payload: (o) => ({ to: o.to, amount: integer(o.amount, '--amount') })
  },
  {
    name: 'register-member',
    type: 'register_member',
    description: 'register a new member (the sender vouches for it)',
    options: [
      did('--did', 'DID of the new member'),
      { flags: '--name <name>', description: 'profile name (unless --profile)' },
      { flags: '--bio <text>', description: 'profile bio' },
      { flags: '--location <text>', description: 'profile location' },
      repeat('--link <url>', 'profile link (repeatable)'),
      { flags: '--profile <json>', description: 'the whole profile as JSON: {"name", "bio"?, "location"?, "links"?}' },
      { flags: '--cooperative <id>', description: 'cooperative the new member joins (the sender must belong to it)' }
    ],
    payload: (o) => {
      let profile: unknown
      if (o.profile !== undefined) {
        try {
          profile = JSON.parse(String(o.profile))
        } catch {
          throw new UsageError('--profile: must be a JSON object')
        }
      } else {
        const links = list(o.link)
        profile = { name: o.name, bio: str(o.bio), location: str(o.location), ...(links.length > 0 ? { links } : {}) }
      }
      return { did: o.did, profile, ...(o.cooperative !== undefined ? { cooperative: o.cooperative } : {}) }
    },
    flags: { profile: '--profile', 'profile.name': '--name', 'profile.bio': '--bio', 'profile.location': '--location', 'profile.links': '--link' }
  },
  {
    name: 'create-cooperative',
    type: 'create_cooperative',
    description: 'found a cooperative (its id is this transaction\'s id)',
    options: [{ flags: '--name <name>', description: 'name', required: true }, { flags: '--purpose <text>', description: 'purpose', required: true }],
    payload: (o) => ({ name: o.name, purpose: o.purpose })
  },
  {
    name: 'join-cooperative',
    type: 'join_cooperative',
    description: 'join a cooperative with a role',
    options: [{ flags: '--id <id>', description: 'cooperative id', required: true }, { flags: '--role <role>', description: 'role in the cooperative', required: true }],
    payload: (o) => ({ id: o.id, role: o.role })
  },
  {
    name: 'record-contribution',
    type: 'record_contribution',
    description: 'record a contribution with its impact story',
    options: [
      { flags: '--description <text>', description: 'what was done', required: true },
      { flags: '--impact-story <text>', description: 'the difference it made', required: true },
      { flags: '--context <text>', description: 'where / for whom', required: true },
      repeat('--tag <tag>', 'tag (repeatable, at least one)')
    ],
    payload: (o) => ({ description: o.description, impact_story: o.impactStory, context: o.context, tags: list(o.tag) }),
    flags: { tags: '--tag' }
  },
  {
    name: 'record-mutual-aid',
    type: 'record_mutual_aid',
    description: 'record aid given to another member',
    options: [
      did('--to', 'DID of the member helped'),
      { flags: '--description <text>', description: 'the aid given', required: true },
      { flags: '--impact-story <text>', description: 'the difference it made' },
      { flags: '--reciprocity-notes <text>', description: 'notes on reciprocity' },
      repeat('--tag <tag>', 'tag (repeatable, at least one)')
    ],
    payload: (o) => ({
      to: o.to, description: o.description, impact_story: str(o.impactStory), reciprocity_notes: str(o.reciprocityNotes), tags: list(o.tag)
    }),
    flags: { tags: '--tag' }
  },
  {
    name: 'update-relationship',
    type: 'update_relationship',
    description: 'create or update the relationship with another member',
    options: [
      did('--with', 'DID of the other member'),
      { flags: '--relationship-type <type>', description: 'e.g. collaboration, mentorship, resource_sharing', required: true },
      { flags: '--story <text>', description: 'the relationship\'s story', required: true },
      { flags: '--interaction <text>', description: 'an interaction to record' }
    ],
    payload: (o) => ({ with: o.with, relationship_type: o.relationshipType, story: o.story, interaction: str(o.interaction) })
  },
  {
    name: 'add-endorsement',
    type: 'add_endorsement',
    description: 'endorse another member\'s skills (needs a relationship with them)',
    options: [
      did('--to', 'DID of the member endorsed'),
      { flags: '--content <text>', description: 'the endorsement', required: true },
      { flags: '--context <text>', description: 'where you worked together', required: true },
      repeat('--skill <skill>', 'skill (repeatable, at least one)')
    ],
    payload: (o) => ({ to: o.to, content: o.content, context: o.context, skills: list(o.skill) }),
    flags: { skills: '--skill' }
  },
  {
    name: 'attest',
    type: 'attest',
    description: 'attest to another member\'s reputation in one category',
    options: [
      did('--subject', 'DID of the member attested'),
      { flags: '--category <category>', description: 'reputation category (e.g. development, community_building)', required: true },
      { flags: '--score <n>', description: 'non-zero integer score (negative lowers)', required: true },
      { flags: '--evidence <text>', description: 'what the attestation rests on' }
    ],
    payload: (o) => ({ subject: o.subject, category: o.category, score: integer(o.score, '--score'), evidence: str(o.evidence) })
  },
  {
    name: 'validator-candidacy',
    type: 'validator_candidacy',
    description: 'declare (true) or withdraw (false) validator candidacy',
    options: [{ flags: '--active <bool>', description: 'true or false', required: true }],
    payload: (o) => ({ active: boolean(o.active, '--active') })
  },
  {
    name: 'evidence',
    type: 'evidence',
    description: 'report a double-sign: two conflicting signed votes of one validator',
    options: [
      { flags: '--vote-a <file>', description: 'JSON file of the first vote (as the API renders votes)', required: true },
      { flags: '--vote-b <file>', description: 'JSON file of the conflicting vote', required: true }
    ],
    payload: async (o, cwd) => ({ voteA: await voteFile(String(o.voteA), '--vote-a', cwd), voteB: await voteFile(String(o.voteB), '--vote-b', cwd) }),
    flags: { voteA: '--vote-a', voteB: '--vote-b' }
  }
]

/** The flag that sets payload field `field` (dotted, e.g. `payload.profile.name` or `payload.tags.0`). */
export function flagFor (spec: TxCommandSpec, field: string): string {
  const path = field.replace(/^payload\.?/, '')
  const parts = path.split('.')
  for (let n = parts.length; n > 0; n--) {
    const hit = spec.flags?.[parts.slice(0, n).join('.')]
    if (hit !== undefined) return hit
  }
  return path === '' ? 'the payload' : `--${(parts[0] ?? '').replaceAll('_', '-')}`
}
