/**
 * Reads the genesis file named by the configuration. Its parsed form gives the network id (its CID);
 * every node of a network must hold the same genesis, so nothing here fills in or rewrites fields.
 */
import { readFile } from 'node:fs/promises'
import type { CID } from '../codec/index.ts'
import { parseGenesis, networkIdOf, type Genesis } from '../ledger/genesis.ts'
import { GenesisError } from '../ledger/errors.ts'
import { NodeError } from './errors.ts'

export interface LoadedGenesis {
  genesis: Genesis
  networkId: CID
  /** The file's bytes, for copying it unchanged. */
  bytes: Uint8Array
}

/** `what` names where the path came from in messages, e.g. "genesis (from flag --genesis)". */
export async function loadGenesisFile (path: string, what = 'genesis'): Promise<LoadedGenesis> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const problem = code === 'ENOENT' ? 'no such file' : (err as Error).message
    throw new NodeError('GENESIS_FILE', `cannot read genesis file ${path} [${what}]: ${problem}`, { cause: err })
  }
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(bytes))
  } catch (err) {
    throw new NodeError('GENESIS_FILE', `genesis file ${path} [${what}] is not JSON: ${(err as Error).message}`, { cause: err })
  }
  let genesis: Genesis
  try {
    genesis = parseGenesis(json)
  } catch (err) {
    if (err instanceof GenesisError) {
      throw new NodeError('GENESIS_INVALID', `genesis file ${path} [${what}] is invalid: ${err.message} (${err.code})`, { cause: err })
    }
    throw err
  }
  return { genesis, networkId: networkIdOf(genesis), bytes }
}
