/**
 * The ban list: peer id → when its ban ends, kept in memory for the connection gater (which must
 * answer synchronously) and written through to a store namespace so a restart does not lift a ban.
 * On disk each entry is key = the peer id's UTF-8 bytes, value = DAG-CBOR `{until: uint ms since the
 * epoch, reason: text}`. Expired entries are dropped at load and by `prune()`; unreadable ones are
 * dropped at load with a warning (a ban list must never stop a node from starting).
 */
import type { Logger } from 'pino'
import { z, uint, text, decodeStrict } from '../../codec/index.ts'
import { textKey, type Namespace } from '../../storage/index.ts'
import { MAX_BAN_REASON_LENGTH } from './constants.ts'

export interface BanRecord {
  peerId: string
  /** Milliseconds since the epoch at which the ban ends. */
  until: number
  reason: string
}

const entrySchema = z.strictObject({ until: uint, reason: text(MAX_BAN_REASON_LENGTH, 0) })
const decoder = new TextDecoder()

export interface BanListInit {
  /** Where bans are persisted; without it they live in memory only. */
  store?: Namespace
  now: () => number
  log: Logger
}

export class BanList {
  readonly #init: BanListInit
  readonly #bans = new Map<string, { until: number, reason: string }>()
  readonly #writes = new Set<Promise<void>>()

  constructor (init: BanListInit) {
    this.#init = init
  }

  /** Reads the persisted bans (replacing none already made in memory); returns how many are active. */
  async load (): Promise<number> {
    const store = this.#init.store
    if (store === undefined) return this.#bans.size
    const now = this.#init.now()
    const stale: Uint8Array[] = []
    for await (const [key, value] of store.entries()) {
      const peerId = decoder.decode(key)
      let entry: z.output<typeof entrySchema>
      try {
        entry = decodeStrict(entrySchema, value)
      } catch (err) {
        this.#init.log.warn({ peerId, err }, 'dropping an unreadable ban entry')
        stale.push(key)
        continue
      }
      if (entry.until <= now) {
        stale.push(key)
        continue
      }
      const existing = this.#bans.get(peerId)
      if (existing === undefined || existing.until < entry.until) this.#bans.set(peerId, entry)
    }
    for (const key of stale) this.#track(store.del(key))
    return this.#bans.size
  }

  /**
   * Bans `peerId` for `ms` from now. An existing longer ban is kept (a short refusal never shortens a
   * long ban). Returns the resulting record and whether the peer was not banned before.
   */
  ban (peerId: string, ms: number, reason: string): { record: BanRecord, fresh: boolean } {
    const now = this.#init.now()
    const fresh = !this.isBanned(peerId)
    const existing = this.#bans.get(peerId)
    const until = now + Math.max(0, ms)
    const trimmed = reason.slice(0, MAX_BAN_REASON_LENGTH)
    if (existing !== undefined && existing.until >= until) return { record: { peerId, ...existing }, fresh }
    const entry = { until, reason: trimmed }
    this.#bans.set(peerId, entry)
    this.#persist(peerId, entry)
    return { record: { peerId, ...entry }, fresh }
  }

  unban (peerId: string): boolean {
    if (!this.#bans.delete(peerId)) return false
    const store = this.#init.store
    if (store !== undefined) this.#track(store.del(textKey(peerId)))
    return true
  }

  isBanned (peerId: string): boolean {
    const entry = this.#bans.get(peerId)
    if (entry === undefined) return false
    if (entry.until > this.#init.now()) return true
    this.unban(peerId)
    return false
  }

  get (peerId: string): BanRecord | undefined {
    return this.isBanned(peerId) ? { peerId, ...this.#bans.get(peerId)! } : undefined
  }

  /** Active bans, soonest to end first. */
  list (): BanRecord[] {
    this.prune()
    return [...this.#bans].map(([peerId, e]) => ({ peerId, ...e })).sort((a, b) => a.until - b.until)
  }

  /** Lifts expired bans, in memory and in the store. */
  prune (): void {
    const now = this.#init.now()
    for (const [peerId, entry] of [...this.#bans]) if (entry.until <= now) this.unban(peerId)
  }

  /** Resolves when every write issued so far has reached the store. */
  async flush (): Promise<void> {
    while (this.#writes.size > 0) await Promise.all([...this.#writes])
  }

  #persist (peerId: string, entry: { until: number, reason: string }): void {
    const store = this.#init.store
    if (store !== undefined) this.#track(store.putCbor(textKey(peerId), entry))
  }

  #track (write: Promise<void>): void {
    const tracked = write.catch((err: unknown) => {
      // the in-memory ban still holds; only its survival across a restart is lost
      this.#init.log.warn({ err }, 'could not persist a ban list change')
    }).finally(() => { this.#writes.delete(tracked) })
    this.#writes.add(tracked)
  }
}
