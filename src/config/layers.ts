/**
 * Turns each configuration source into a validated layer: a JSON file, `ICN_*` environment variables
 * and command-line flags. Strings from the environment and flags are converted by the key's kind
 * (lists split on commas, numbers parsed) before the same strict schema checks them, so a problem is
 * reported once, naming the key, its source and what is wrong.
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { ConfigError, type ConfigSource } from './errors.ts'
import { ConfigLayer, KEYS, OTHER_ENV, type KeySpec } from './schema.ts'

export interface Layer {
  values: ConfigLayer
  /** The source of each key this layer sets (dotted key → source). */
  sources: Record<string, ConfigSource>
}

const NUMBER = /^-?\d+(\.\d+)?$/

function setPath (target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.')
  let node = target
  for (const part of parts.slice(0, -1)) {
    const next = node[part]
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      node = next as Record<string, unknown>
    } else {
      const child: Record<string, unknown> = {}
      node[part] = child
      node = child
    }
  }
  node[parts[parts.length - 1] as string] = value
}

/** Dotted keys of every leaf (arrays are leaves) of a plain object. */
export function leafKeys (value: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = []
  for (const [k, v] of Object.entries(value)) {
    const key = prefix === '' ? k : `${prefix}.${k}`
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push(...leafKeys(v as Record<string, unknown>, key))
    else if (v !== undefined) out.push(key)
  }
  return out
}

/** Checks `raw` against the strict schema; the first problem becomes a ConfigError naming its key. */
export function validateLayer (raw: unknown, sourceOf: (key: string) => ConfigSource): ConfigLayer {
  const result = ConfigLayer.safeParse(raw)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const path = (issue?.path ?? []).map(String)
  if (issue?.code === 'unrecognized_keys') {
    const key = [...path, issue.keys[0] ?? ''].join('.')
    return fail('UNKNOWN_KEY', key, sourceOf(key), `unknown key ${JSON.stringify(key)} (known keys: ${KEYS.map((k) => k.key).join(', ')})`)
  }
  const key = path.join('.')
  return fail('INVALID_VALUE', key, sourceOf(key), issue?.message ?? 'invalid value')
}

function fail (code: ConfigError['code'], key: string, source: ConfigSource, problem: string): never {
  throw new ConfigError(code, key, source, problem)
}

/** The KeySpec whose key is `key` or a prefix of it (`listen.2` → listen). */
function specFor (key: string): KeySpec | undefined {
  return KEYS.find((s) => key === s.key || key.startsWith(`${s.key}.`))
}

function convert (spec: KeySpec, text: string | string[], source: ConfigSource, cwd: string): unknown {
  const texts = Array.isArray(text) ? text : [text]
  switch (spec.kind) {
    case 'list':
      return texts.flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '')
    case 'path':
      return texts[0] === undefined || texts[0] === '' ? texts[0] : resolve(cwd, texts[0])
    case 'string':
      return texts[0]
    case 'int':
    case 'number': {
      const t = (texts[0] ?? '').trim()
      if (!NUMBER.test(t)) fail('INVALID_VALUE', spec.key, source, `must be a number, got ${JSON.stringify(texts[0])}`)
      return Number(t)
    }
  }
}

/** The layer set by `ICN_*` variables. Unknown `ICN_*` names come back as warnings (likely typos). */
export function envLayer (env: Record<string, string | undefined>, cwd: string): Layer & { warnings: string[] } {
  const raw: Record<string, unknown> = {}
  const sources: Record<string, ConfigSource> = {}
  for (const spec of KEYS) {
    const text = env[spec.env]
    if (text === undefined) continue
    const source: ConfigSource = { kind: 'env', name: spec.env }
    setPath(raw, spec.key, convert(spec, text, source, cwd))
    sources[spec.key] = source
  }
  const known = new Set<string>([...KEYS.map((s) => s.env), ...Object.keys(OTHER_ENV)])
  const warnings = Object.keys(env)
    .filter((name) => name.startsWith('ICN_') && !known.has(name))
    .map((name) => `ignoring unknown environment variable ${name} (known: ${[...known].join(', ')})`)
  const values = validateLayer(raw, (key) => ({ kind: 'env', name: specFor(key)?.env ?? key }))
  return { values, sources, warnings }
}

/** Flag values as commander hands them over: keyed by option name, strings or string arrays. */
export type FlagValues = Record<string, string | string[] | boolean | undefined>

/** The layer set by command-line flags (only the options listed in KEYS; others are ignored here). */
export function flagLayer (flags: FlagValues, cwd: string): Layer {
  const raw: Record<string, unknown> = {}
  const sources: Record<string, ConfigSource> = {}
  for (const spec of KEYS) {
    if (spec.option === undefined || spec.flag === undefined) continue
    const value = flags[spec.option]
    if (value === undefined || typeof value === 'boolean') continue
    const source: ConfigSource = { kind: 'flag', name: spec.flag }
    setPath(raw, spec.key, convert(spec, value, source, cwd))
    sources[spec.key] = source
  }
  const values = validateLayer(raw, (key) => ({ kind: 'flag', name: specFor(key)?.flag ?? key }))
  return { values, sources }
}

/**
 * The layer in a JSON config file. Relative paths inside it are relative to the file's directory, so a
 * home can be moved as a whole. Returns undefined for a missing file unless `required`.
 */
export async function fileLayer (file: string, required: boolean, describeKey: string): Promise<Layer | undefined> {
  const source: ConfigSource = { kind: 'file', name: file }
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && !required) return undefined
    return fail('FILE_UNREADABLE', describeKey, source, code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    return fail('FILE_NOT_JSON', describeKey, source, `not valid JSON (${(err as Error).message})`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('FILE_NOT_JSON', describeKey, source, 'must hold a JSON object')
  }
  const values = validateLayer(raw, () => source)
  const dir = dirname(file)
  if (values.home !== undefined) values.home = resolve(dir, values.home)
  if (values.genesis !== undefined) values.genesis = resolve(dir, values.genesis)
  const sources: Record<string, ConfigSource> = {}
  for (const key of leafKeys(values as Record<string, unknown>)) sources[key] = source
  return { values, sources }
}
