/**
 * The node home directory and `icn init`:
 *
 *   <home>/node.key      the node's Ed25519 key (mode 0600): its PeerId and DID
 *   <home>/genesis.json  the network's genesis, copied byte for byte
 *   <home>/config.json   optional configuration (see config/README.md)
 *   <home>/db/           LevelDB database
 */
import { mkdir, readFile, rename, writeFile, access } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateKeyPair, type KeyPair } from '../identity/index.ts'
import { writeKeyFile } from '../identity/keyfile.ts'
import type { CID } from '../codec/index.ts'
import { starterConfig } from '../config/index.ts'
import { loadGenesisFile } from './genesis-file.ts'
import { NodeError } from './errors.ts'

export interface HomePaths {
  home: string
  key: string
  genesis: string
  config: string
  db: string
}

export function homePaths (home: string): HomePaths {
  return { home, key: join(home, 'node.key'), genesis: join(home, 'genesis.json'), config: join(home, 'config.json'), db: join(home, 'db') }
}

/** The genesis shipped with the package, used by `icn init` when no --genesis is given. */
export const PACKAGE_GENESIS = fileURLToPath(new URL('../../config/genesis.json', import.meta.url))

export interface InitHomeOptions {
  home: string
  /** Genesis file to copy into the home. Default PACKAGE_GENESIS. */
  genesis?: string
  /** Replace an existing key, genesis and config.json. Default false. */
  force?: boolean
  /** Use this key instead of generating one (tests, scripted testnets). */
  keyPair?: KeyPair
}

export interface InitHomeResult {
  paths: HomePaths
  keyPair: KeyPair
  /** The genesis CID: the network this home belongs to. */
  networkId: CID
  /** What was written ("kept" when an existing config.json or identical genesis was left alone). */
  genesis: 'written' | 'kept'
  config: 'written' | 'kept'
}

async function exists (path: string): Promise<boolean> {
  return access(path).then(() => true, () => false)
}

/** Writes via a temporary file and rename, so a crash leaves the old file or the new one. */
async function writeAtomic (path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, data, { mode: 0o644 })
  await rename(tmp, path)
}

/**
 * Creates a node home: key, genesis, starter config. Everything is checked before anything is
 * written, so a refused init leaves the directory as it was.
 */
export async function initHome (options: InitHomeOptions): Promise<InitHomeResult> {
  const paths = homePaths(options.home)
  const force = options.force ?? false
  if (!force && await exists(paths.key)) {
    throw new NodeError('KEY_EXISTS', `${paths.key} already exists; pass --force to replace this node's identity`)
  }
  const source = options.genesis ?? PACKAGE_GENESIS
  const { bytes, networkId } = await loadGenesisFile(source, 'genesis to copy')
  let genesis: InitHomeResult['genesis'] = 'written'
  if (await exists(paths.genesis)) {
    const current = await readFile(paths.genesis)
    if (Buffer.compare(current, bytes) === 0) genesis = 'kept'
    else if (!force) throw new NodeError('GENESIS_EXISTS', `${paths.genesis} already holds a different genesis; pass --force to replace it`)
  }
  const config: InitHomeResult['config'] = !force && await exists(paths.config) ? 'kept' : 'written'

  await mkdir(paths.home, { recursive: true, mode: 0o700 })
  if (genesis === 'written') await writeAtomic(paths.genesis, bytes)
  if (config === 'written') await writeAtomic(paths.config, JSON.stringify(starterConfig(), null, 2) + '\n')
  const keyPair = options.keyPair ?? generateKeyPair()
  await writeKeyFile(paths.key, keyPair)
  return { paths, keyPair, networkId, genesis, config }
}

/** Whether `home` holds a node key (an initialised home). */
export async function isInitialised (home: string): Promise<boolean> {
  return exists(homePaths(home).key)
}

