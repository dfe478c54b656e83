/**
 * The key file in a node's home: JSON holding the base64 seed, written with mode 0600 atomically
 * (temp file, fsync, rename) so a crash never leaves half a key. Loaded on every start, so the
 * PeerId and DID never change across restarts.
 */
import { open, readFile, rename, stat, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { keyPairFromSeed, generateKeyPair, type KeyPair } from './keypair.ts'
import { IdentityError } from './errors.ts'

interface KeyFileJson {
  type: 'ed25519'
  seed: string
  did: string
}

export async function writeKeyFile (path: string, keyPair: KeyPair): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const body: KeyFileJson = { type: 'ed25519', seed: Buffer.from(keyPair.seed).toString('base64'), did: keyPair.did }
  const tmp = `${path}.tmp-${process.pid}`
  const fh = await open(tmp, 'w', 0o600)
  try {
    await fh.writeFile(JSON.stringify(body, null, 2) + '\n')
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
}

export async function readKeyFile (path: string): Promise<KeyPair> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new IdentityError('KEY_FILE', code === 'ENOENT' ? `no key file at ${path} (run \`icn init\` first)` : `cannot read key file ${path}: ${(err as Error).message}`)
  }
  let json: Partial<KeyFileJson>
  try {
    json = JSON.parse(text)
  } catch {
    throw new IdentityError('KEY_FILE', `key file ${path} is not JSON`)
  }
  if (json.type !== 'ed25519' || typeof json.seed !== 'string') {
    throw new IdentityError('KEY_FILE', `key file ${path} must hold {"type":"ed25519","seed":"<base64>"}`)
  }
  const seed = Buffer.from(json.seed, 'base64')
  if (seed.byteLength !== 32) throw new IdentityError('KEY_FILE', `key file ${path}: seed must be 32 bytes of base64`)
  const keyPair = keyPairFromSeed(seed)
  if (json.did !== undefined && json.did !== keyPair.did) {
    throw new IdentityError('KEY_FILE', `key file ${path}: did ${json.did} does not match its seed (${keyPair.did})`)
  }
  const mode = (await stat(path)).mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new IdentityError('KEY_FILE', `key file ${path} has mode ${mode.toString(8)}; it must be readable by its owner only (chmod 600)`)
  }
  return keyPair
}

/** Loads the key at `path`, creating it first when `create` is set and none exists. */
export async function loadOrCreateKeyFile (path: string, create: boolean): Promise<{ keyPair: KeyPair, created: boolean }> {
  try {
    return { keyPair: await readKeyFile(path), created: false }
  } catch (err) {
    if (!create || !(err instanceof IdentityError) || !err.message.startsWith('no key file')) throw err
    const keyPair = generateKeyPair()
    await writeKeyFile(path, keyPair)
    return { keyPair, created: true }
  }
}
