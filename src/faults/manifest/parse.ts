/**
 * Manifest parsing: JSON text or a value → `ScenarioManifest`, or a FaultsError BAD_MANIFEST whose
 * `field` is the dotted path of the first problem (`steps.2.groups.0`, `consensus.timeoutProposeMs`,
 * or the name of an unknown key) and whose message starts with it.
 */
import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import type { z } from 'zod'
import { DEFAULT_RUN_TIMEOUT_MS, DEFAULT_STEP_TIMEOUT_MS } from '../constants.ts'
import { FaultsError } from '../errors.ts'
import { ManifestSchema } from './schema.ts'
import type { ScenarioManifest } from './types.ts'
import { validateSteps } from './validate.ts'

function fieldOf (issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String)
  // an unknown key is named itself, not its parent object
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) path.push(issue.keys[0] ?? '')
  return path.join('.')
}

export interface ParseManifestOptions {
  /** Used when the manifest has no name (the file name). Default 'scenario'. */
  name?: string
}

export function parseManifest (value: unknown, options: ParseManifestOptions = {}): ScenarioManifest {
  const result = ManifestSchema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    const field = issue === undefined ? '' : fieldOf(issue)
    const message = issue?.message ?? 'invalid'
    throw new FaultsError('BAD_MANIFEST', field === '' ? `manifest: ${message}` : `${field}: ${message}`, { field: field === '' ? 'manifest' : field })
  }
  const m = result.data
  const { steps, nodes } = validateSteps(m, DEFAULT_STEP_TIMEOUT_MS)
  return {
    name: m.name ?? options.name ?? 'scenario',
    description: m.description,
    validators: m.validators,
    seed: m.seed,
    consensus: { ...m.consensus },
    equivocators: [...new Set(m.equivocators ?? [])],
    checker: { pollMs: m.checker?.pollMs, lagBlocks: m.checker?.lagBlocks },
    timeoutMs: m.timeout ?? DEFAULT_RUN_TIMEOUT_MS,
    steps,
    expect: {
      maxRecoveryMs: m.expect?.liveness?.maxRecoveryMs,
      maxCatchUpMs: m.expect?.liveness?.maxCatchUpMs,
      minHeight: m.expect?.minHeight,
      sanctioned: [...new Set(m.expect?.sanctioned ?? [])]
    },
    nodes
  }
}

/** Reads and parses a JSON manifest file; the file name (without .json) is the default name. */
export async function readManifestFile (path: string): Promise<ScenarioManifest> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new FaultsError('BAD_MANIFEST', `cannot read ${path}: ${(err as Error).message}`, { field: 'manifest', cause: err })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new FaultsError('BAD_MANIFEST', `${path} is not JSON: ${(err as Error).message}`, { field: 'manifest', cause: err })
  }
  try {
    return parseManifest(json, { name: basename(path, extname(path)) })
  } catch (err) {
    if (err instanceof FaultsError) throw new FaultsError(err.code, `${path}: ${err.message}`, { ...(err.field !== undefined ? { field: err.field } : {}), cause: err })
    throw err
  }
}
