/**
 * The validator's signing state on disk (`<home>/signer-state.cbor`). SignerStore.save must be durable
 * when it returns, before any signature leaves the node, so this is the one synchronous write in the
 * node: temp file, fsync, rename, fsync of the directory. A crash leaves the old or the new state,
 * never half of one, and a restarted validator can never sign a conflicting message.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { encode, decode } from '../../codec/index.ts'
import { parseSignerState, type SignerState, type SignerStore } from '../../consensus/index.ts'
import { ConsensusServiceError } from './errors.ts'

export function fileSignerStore (path: string): SignerStore {
  return {
    load () {
      let bytes: Buffer
      try {
        bytes = readFileSync(path)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw err
      }
      try {
        return parseSignerState(decode(bytes))
      } catch (err) {
        throw new ConsensusServiceError('SIGNER_STATE', `signer state ${path} is unreadable (${(err as Error).message}); refusing to sign rather than risk a double-sign — restore it or remove it only if this key has never signed on this network`)
      }
    },
    save (state: SignerState) {
      const tmp = `${path}.tmp`
      const fd = openSync(tmp, 'w', 0o600)
      try {
        writeSync(fd, encode(state))
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      renameSync(tmp, path)
      const dir = openSync(dirname(path), 'r')
      try {
        fsyncSync(dir)
      } finally {
        closeSync(dir)
      }
    }
  }
}
