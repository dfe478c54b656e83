/**
 * What gossip validation asks of the node, answered from the committed head. The validator set and
 * proposers are derived from state (not cheap), and every vote is checked against them, so they are
 * cached per head and per round; the cache empties when the head moves.
 */
import { checkTx, getParams, Keys, type Tx } from '../../ledger/index.ts'
import type { ValidatorSet } from '../../consensus/index.ts'
import type { GossipContext } from '../../network/topics/index.ts'
import type { CID } from '../../codec/index.ts'
import type { LedgerService } from '../ledger-service.ts'

/** Final transaction ids remembered for gossip dedup (a tx that was final is `ignore`, not re-validated). */
const RECENT_FINAL_TXS = 50_000

export class HeadContext implements GossipContext {
  readonly networkId: CID
  readonly shard: number
  readonly maxTxBytes: number
  readonly #ledger: LedgerService
  readonly #now: () => number
  #cachedFor = ''
  #set: ValidatorSet | undefined
  #proposers = new Map<number, string>()
  readonly #recentFinal = new Set<string>()

  constructor (ledger: LedgerService, opts: { networkId: CID, shard: number, now: () => number }) {
    this.#ledger = ledger
    this.networkId = opts.networkId
    this.shard = opts.shard
    this.maxTxBytes = ledger.maxTxBytes
    this.#now = opts.now
  }

  get maxBlockBytes (): number {
    return getParams(this.#ledger.chain.ledger.state).consensus.maxBlockBytes
  }

  currentHeight (): number {
    return this.#ledger.chain.height + 1
  }

  #fresh (): void {
    const head = this.#ledger.chain.headCid.toString()
    if (head === this.#cachedFor) return
    this.#cachedFor = head
    this.#set = undefined
    this.#proposers.clear()
  }

  validatorSet (height: number): ValidatorSet | undefined {
    if (height !== this.currentHeight()) return undefined
    this.#fresh()
    this.#set ??= this.#ledger.chain.ledger.validatorSet()
    return this.#set
  }

  expectedProposer (height: number, round: number): string | undefined {
    if (height !== this.currentHeight()) return undefined
    this.#fresh()
    let did = this.#proposers.get(round)
    if (did === undefined) {
      did = this.#ledger.chain.ledger.proposer(round)
      if (this.#proposers.size > 64) this.#proposers.clear()
      this.#proposers.set(round, did)
    }
    return did
  }

  checkTx (tx: Tx): void {
    const chain = this.#ledger.chain
    checkTx(chain.ledger.state, tx, { blockTime: Math.max(chain.head.timestamp + 1, this.#now()) })
  }

  mempoolClosed (priority: number, size: number): boolean {
    return this.#ledger.mempool.closedTo(priority, size)
  }

  knownTx (id: string): boolean {
    return this.#ledger.mempool.has(id) || this.#recentFinal.has(id)
  }

  /** `key` is gossip's evidenceKey (`validator:height:round:type`); the ledger records punished offences. */
  knownEvidence (key: string): boolean {
    const parts = key.split(':')
    const type = Number(parts.pop())
    const round = Number(parts.pop())
    const height = Number(parts.pop())
    const validator = parts.join(':')
    return this.#ledger.chain.ledger.state.read(Keys.offence(validator, height, round, type)) !== undefined
  }

  /** Called for every committed block: its transactions are final now. */
  noteFinal (ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.#recentFinal.size >= RECENT_FINAL_TXS) this.#recentFinal.clear()
      this.#recentFinal.add(id)
    }
  }
}
