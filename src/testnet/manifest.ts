/**
 * `<dir>/testnet.json`: what a testnet directory holds — network, seed, ports and each node's role and
 * identity — so a re-run restarts the same testnet and scripts can find every node's API. Paths are
 * not stored: they follow from the directory, so a testnet directory can be moved whole.
 */
import { readFile, writeFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { MANIFEST_FILE } from './constants.ts'
import { TestnetError } from './errors.ts'

const port = z.number().int().min(1).max(65535)

export const ManifestSchema = z.strictObject({
  version: z.literal(1),
  network: z.string().min(1),
  networkId: z.string().min(1),
  /** The key seed, or null when the keys are random. */
  seed: z.string().nullable(),
  host: z.string().min(1),
  basePort: port,
  apiBasePort: port,
  nodes: z.array(z.strictObject({ role: z.enum(['validator', 'node']), did: z.string(), peerId: z.string() })).min(1),
  members: z.array(z.strictObject({ did: z.string() }))
})
export type Manifest = z.infer<typeof ManifestSchema>

export function manifestPath (dir: string): string {
  return join(dir, MANIFEST_FILE)
}

/** The manifest of `dir`, or undefined when it has none. */
export async function readManifest (dir: string): Promise<Manifest | undefined> {
  const file = manifestPath(dir)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new TestnetError('BAD_MANIFEST', `cannot read ${file}: ${(err as Error).message}`, { field: MANIFEST_FILE, cause: err })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new TestnetError('BAD_MANIFEST', `${file} is not JSON: ${(err as Error).message}`, { field: MANIFEST_FILE, cause: err })
  }
  const parsed = ManifestSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const key = (issue?.path ?? []).map(String).join('.')
    throw new TestnetError('BAD_MANIFEST', `${file}: ${key === '' ? '' : `${key}: `}${issue?.message ?? 'invalid'}; pass --fresh to recreate the testnet`, { field: MANIFEST_FILE })
  }
  return parsed.data
}

/** Written last when a testnet is created (its presence marks a complete testnet), atomically. */
export async function writeManifest (dir: string, manifest: Manifest): Promise<void> {
  const file = manifestPath(dir)
  const tmp = `${file}.tmp-${process.pid}`
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o644 })
  await rename(tmp, file)
}
