/** `icn keys show` (the node's identity) and `icn keys generate` (a member key file). */
import type { Command } from 'commander'
import { access } from 'node:fs/promises'
import { resolve } from 'node:path'
import { resolveHome } from '../../config/index.ts'
import { generateKeyPair, peerIdOf, type KeyPair } from '../../identity/index.ts'
import { readKeyFile, writeKeyFile } from '../../identity/keyfile.ts'
import { homePaths } from '../../node/home.ts'
import { NodeError } from '../../node/errors.ts'
import { formatFields, type CliIo } from '../io.ts'

async function describe (keyPair: KeyPair): Promise<{ peerId: string, did: string, publicKey: string }> {
  return { peerId: (await peerIdOf(keyPair)).toString(), did: keyPair.did, publicKey: Buffer.from(keyPair.publicKey).toString('hex') }
}

function print (io: CliIo, json: boolean, info: Record<string, string>, labels: Record<string, string>): void {
  if (json) {
    io.stdout.write(JSON.stringify(info) + '\n')
    return
  }
  io.stdout.write(formatFields(Object.entries(info).map(([k, v]) => [labels[k] ?? k, v] as const), ''))
}

const LABELS = { peerId: 'peer id', did: 'did', publicKey: 'public key', file: 'file' }

export function keysCommand (program: Command, io: CliIo): void {
  const keys = program.command('keys').description('show the node key, generate member keys')

  keys.command('show')
    .description('print the node\'s PeerId, DID and public key (hex)')
    .option('--home <dir>', 'node home directory (default: $ICN_HOME or ~/.icn)')
    .option('--json', 'print one JSON object')
    .action(async (opts: { home?: string, json?: boolean }) => {
      const home = resolveHome({ flag: opts.home, env: io.env, cwd: io.cwd })
      const keyPair = await readKeyFile(homePaths(home).key)
      print(io, opts.json ?? false, await describe(keyPair), LABELS)
    })

  keys.command('generate')
    .description('write a new member key file (mode 0600) for signing transactions')
    .requiredOption('--out <file>', 'where to write the key file')
    .option('--force', 'replace an existing file')
    .option('--json', 'print one JSON object')
    .action(async (opts: { out: string, force?: boolean, json?: boolean }) => {
      const file = resolve(io.cwd, opts.out)
      if (opts.force !== true && await access(file).then(() => true, () => false)) {
        throw new NodeError('KEY_EXISTS', `${file} already exists; pass --force to replace it`)
      }
      const keyPair = generateKeyPair()
      await writeKeyFile(file, keyPair)
      print(io, opts.json ?? false, { ...await describe(keyPair), file }, LABELS)
    })
}
