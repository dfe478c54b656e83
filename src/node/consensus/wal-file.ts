/**
 * The consensus write-ahead log on disk (`<home>/consensus.wal`, STYLE 4): the engine's accepted inputs
 * of the current height, own messages included. Records are `u32 length ‖ DAG-CBOR`, appended and
 * fsynced before the outputs that follow them are carried out. A `start` entry begins a new log, so
 * the file never holds more than one height. A torn tail (a crash mid-append) is dropped on read:
 * everything before it was synced, and the entry being written had not been acted on.
 */
import { closeSync, fsyncSync, openSync, readFileSync, writeSync, renameSync, ftruncateSync } from 'node:fs'
import { encode, decode, z, uint, parse } from '../../codec/index.ts'
import { parseCommit, parseProposal, parseVote, type WalEntry } from '../../consensus/index.ts'
import { decodeBlock, encodeBlock, type Block } from '../../ledger/index.ts'
import { ConsensusServiceError } from './errors.ts'

const step = z.union([z.literal('propose'), z.literal('prevote'), z.literal('precommit')])
const recordSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), now: uint, height: uint, lastCommit: z.unknown() }),
  z.strictObject({ type: z.literal('proposal'), now: uint, proposal: z.unknown(), block: z.instanceof(Uint8Array), from: z.string().optional() }),
  z.strictObject({ type: z.literal('vote'), now: uint, vote: z.unknown(), from: z.string().optional() }),
  z.strictObject({ type: z.literal('timeout'), now: uint, height: uint, round: uint, step })
])

export function encodeWalEntry (entry: WalEntry<Block>): Uint8Array {
  switch (entry.type) {
    case 'proposal': return encode({ ...entry, block: encodeBlock(entry.block) })
    default: return encode(entry)
  }
}

export function decodeWalEntry (bytes: Uint8Array, maxBlockBytes?: number): WalEntry<Block> {
  const record = parse(recordSchema, decode(bytes))
  switch (record.type) {
    case 'start': return { type: 'start', now: record.now, height: record.height, lastCommit: record.lastCommit === null ? null : parseCommit(record.lastCommit, 'lastCommit') }
    case 'proposal': return { type: 'proposal', now: record.now, proposal: parseProposal(record.proposal, 'proposal'), block: decodeBlock(record.block, maxBlockBytes), ...(record.from !== undefined ? { from: record.from } : {}) }
    case 'vote': return { type: 'vote', now: record.now, vote: parseVote(record.vote, 'vote'), ...(record.from !== undefined ? { from: record.from } : {}) }
    case 'timeout': return record
  }
}

export class WalFile {
  readonly path: string
  #fd: number | undefined

  constructor (path: string) {
    this.path = path
  }

  /** The entries of the interrupted height, oldest first ([] when there is no log). */
  read (maxBlockBytes?: number): Array<WalEntry<Block>> {
    let data: Buffer
    try {
      data = readFileSync(this.path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new ConsensusServiceError('WAL', `cannot read ${this.path}: ${(err as Error).message}`)
    }
    const entries: Array<WalEntry<Block>> = []
    let offset = 0
    while (offset + 4 <= data.byteLength) {
      const length = data.readUInt32BE(offset)
      if (offset + 4 + length > data.byteLength) break // torn tail
      try {
        entries.push(decodeWalEntry(data.subarray(offset + 4, offset + 4 + length), maxBlockBytes))
      } catch {
        break // a record that was being written when the process died
      }
      offset += 4 + length
    }
    return entries
  }

  /**
   * Appends `entry`; a `start` entry replaces the log. `sync` makes it durable before returning: the
   * node syncs its own proposals and votes (its lock must survive a crash), not its peers' messages,
   * which are received again (CometBFT's WAL does the same).
   */
  append (entry: WalEntry<Block>, sync = true): void {
    const body = encodeWalEntry(entry)
    const record = Buffer.allocUnsafe(4 + body.byteLength)
    record.writeUInt32BE(body.byteLength, 0)
    record.set(body, 4)
    try {
      if (entry.type === 'start') {
        this.close()
        const tmp = `${this.path}.tmp`
        const fd = openSync(tmp, 'w', 0o600)
        writeSync(fd, record)
        fsyncSync(fd)
        closeSync(fd)
        renameSync(tmp, this.path)
        this.#fd = openSync(this.path, 'a')
        return
      }
      this.#fd ??= openSync(this.path, 'a')
      writeSync(this.#fd, record)
      if (sync) fsyncSync(this.#fd)
    } catch (err) {
      throw new ConsensusServiceError('WAL', `cannot write ${this.path}: ${(err as Error).message}`)
    }
  }

  /** Empties the log (after a sync jumped past its height). */
  reset (): void {
    this.close()
    try {
      const fd = openSync(this.path, 'a')
      ftruncateSync(fd, 0)
      fsyncSync(fd)
      closeSync(fd)
    } catch (err) {
      throw new ConsensusServiceError('WAL', `cannot truncate ${this.path}: ${(err as Error).message}`)
    }
  }

  close (): void {
    if (this.#fd !== undefined) closeSync(this.#fd)
    this.#fd = undefined
  }
}
