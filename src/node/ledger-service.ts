/**
 * The node's ledger component: the persisted chain (ChainStore) and the mempool, and the one place
 * transactions enter and blocks are committed.
 *
 * - `submit(bytes)`: strict decoding (size-capped), refusal of known ids (pending or final), then
 *   `admit`: the ledger's checkTx at the estimated next block time, mempool admission; refusals are
 *   SubmitErrors. Gossip calls `admit(tx, bytes)` with what its validator already decoded.
 * - `candidates()`: the mempool's next block, within the consensus limits, for the proposer.
 * - `commitBlock(block, commit, executed?)`: persists the block with its certificate, and only then
 *   tells the mempool (drop what was committed or went stale, re-check the rest): a transaction is
 *   never done before its block is final (SPEC §15).
 * - Events (EventTarget): `block` (CustomEvent<BlockEventDetail>) after each commit, `tx`
 *   (CustomEvent<TxEventDetail>) when a transaction enters the mempool.
 * - Queries at the head: txStatus, block, account, member, reputation, status.
 *
 * The consensus component drives it through `chain.ledger` (build/validate on the head),
 * `chain.headCommit`, `candidates()` and `commitBlock()`; sync through `commitBlock(block, commit)`.
 */
import type { Logger } from 'pino'
import type { CID } from '../codec/index.ts'
import type { Commit } from '../consensus/messages.ts'
import type { SignatureVerifier } from '../consensus/verifier.ts'
import {
  openChain, accountView, memberView, reputationView, submitRefusal, SubmitError, SubmitErrorKind,
  type ChainStore, type StoredBlock, type TxStatus, type AccountView, type MemberView, type ReputationView
} from '../chain/index.ts'
import { TX_ENVELOPE_ALLOWANCE } from '../ledger/constants.ts'
import {
  TxError, checkTx, decodeTx, getAccount, getChain, getParams, txId,
  type Block, type ExecutedBlock, type Genesis, type Tx
} from '../ledger/index.ts'
import { mempool, type CheckFailure, type Mempool, type MempoolInit } from '../ledger/mempool/index.ts'
import type { Store } from '../storage/index.ts'
import { NodeError } from './errors.ts'

export interface LedgerServiceInit {
  /** The shard this node's chain is. Default 0. */
  shard?: number
  /** Largest encoded transaction `submit` decodes. Default: genesis maxTxPayloadBytes + envelope allowance. */
  maxTxBytes?: number
  /** Mempool bounds; defaults are the mempool module's. */
  mempool?: MempoolInit
}

export interface LedgerServiceComponents {
  store: Store
  genesis: Genesis
  /** Local clock (ms), for the next block time estimate. Default Date.now. */
  now?: () => number
  /** Precommit signature checker for commits (consensus' caching verifier). Default: plain verification. */
  verifier?: SignatureVerifier
  logger?: Logger
}

export interface BlockEventDetail { height: number, cid: CID, txs: number }
/** Where an admitted transaction came from: gossip relays only what did not arrive by gossip. */
export type TxSource = 'local' | 'gossip'
export interface TxEventDetail { id: CID, bytes: Uint8Array, source: TxSource }
export interface LedgerEvents {
  block: CustomEvent<BlockEventDetail>
  tx: CustomEvent<TxEventDetail>
}

/** The ledger's part of the node status. */
export interface LedgerStatus {
  height: number
  headCid: string
  /** Equal to height/headCid: every stored block has its commit certificate (BFT finality). */
  finalizedHeight: number
  finalizedCid: string
  /** Block time of the head (ms). */
  headTime: number
  shard: number
  shards: number
  mempool: { size: number, bytes: number }
}

/**
 * Every this many blocks the whole mempool is re-checked against the new state (timestamps that
 * expired, reputation that decayed, sanctions); after the others only the blocks' senders are.
 */
const FULL_RECHECK_BLOCKS = 16

export function ledgerService (init: LedgerServiceInit = {}): (components: LedgerServiceComponents) => LedgerService {
  return (components) => new LedgerService(components, init)
}

export class LedgerService extends EventTarget {
  readonly shard: number
  readonly maxTxBytes: number
  readonly #c: LedgerServiceComponents
  readonly #mempoolInit: MempoolInit
  readonly #now: () => number
  readonly #log: Logger | undefined
  #chain: ChainStore | undefined
  #pool: Mempool<Tx> | undefined

  constructor (components: LedgerServiceComponents, init: LedgerServiceInit = {}) {
    super()
    this.#c = components
    this.shard = init.shard ?? 0
    this.maxTxBytes = init.maxTxBytes ?? components.genesis.economics.maxTxPayloadBytes + TX_ENVELOPE_ALLOWANCE
    this.#mempoolInit = init.mempool ?? {}
    this.#now = components.now ?? Date.now
    this.#log = components.logger?.child({ module: 'ledger' })
  }

  /** Opens the chain (persisting genesis on the first start) and creates an empty mempool. */
  async start (): Promise<void> {
    if (this.#chain !== undefined) return
    const chain = await openChain(this.#c.store, this.#c.genesis, {
      shard: this.shard, ...(this.#c.verifier !== undefined ? { verifier: this.#c.verifier } : {})
    })
    this.#pool = mempool<Tx>(this.#mempoolInit)({
      check: (tx) => this.#check(tx),
      accountNonce: (from) => getAccount(chain.ledger.state, from)?.nonce ?? 0
    })
    this.#chain = chain
    this.#log?.info({ height: chain.height, head: chain.headCid.toString() }, 'chain opened')
  }

  /** Nothing to release: the store is closed by the node after every component stopped. */
  async stop (): Promise<void> {}

  get started (): boolean { return this.#chain !== undefined }

  /** The persisted chain; throws before start. */
  get chain (): ChainStore {
    if (this.#chain === undefined) throw new NodeError('BAD_STATE', 'the ledger is not started')
    return this.#chain
  }

  get mempool (): Mempool<Tx> {
    if (this.#pool === undefined) throw new NodeError('BAD_STATE', 'the ledger is not started')
    return this.#pool
  }

  /** The next block's time as this node estimates it: its clock, but after the head. */
  #blockTime (now = this.#now()): number {
    return Math.max(this.chain.head.timestamp + 1, now)
  }

  #check (tx: Tx): CheckFailure | undefined {
    try {
      checkTx(this.chain.ledger.state, tx, { blockTime: this.#blockTime() })
      return undefined
    } catch (err) {
      if (err instanceof TxError) return { code: err.code, message: err.message }
      throw err
    }
  }

  /**
   * Admits a signed transaction (canonical DAG-CBOR bytes) to the mempool, or throws a SubmitError.
   * `now` overrides the clock for the block time estimate; `source` is echoed in the `tx` event.
   */
  async submit (bytes: Uint8Array, now?: number, source: TxSource = 'local'): Promise<{ id: CID }> {
    const chain = this.#chain
    if (chain === undefined) throw new SubmitError('NOT_STARTED', SubmitErrorKind.Unavailable, 'the ledger is not started')
    let tx: Tx
    try {
      tx = decodeTx(bytes, this.maxTxBytes)
    } catch (err) {
      throw submitRefusal(err)
    }
    // Only a nonce below the sender's account nonce can belong to a final transaction: skip the
    // database read for the rest (the common case — the profile showed it at ~10 % of admission).
    const accountNonce = getAccount(chain.ledger.state, tx.from)?.nonce ?? 0
    if (tx.nonce < accountNonce && !this.mempool.has(txId(tx).toString()) && await chain.txLocation(txId(tx)) !== undefined) {
      throw new SubmitError('ALREADY_FINAL', SubmitErrorKind.Conflict, `transaction ${txId(tx).toString()} is already in a final block`)
    }
    return { id: this.admit(tx, bytes, { now, source }) }
  }

  /**
   * Admits an already decoded transaction; `bytes` must be its canonical encoding (as `decodeTx`
   * returned it from). Gossip hands over what its validator decoded, so nothing is decoded twice.
   * Throws a SubmitError.
   */
  admit (tx: Tx, bytes: Uint8Array, opts: { now?: number | undefined, source?: TxSource } = {}): CID {
    const chain = this.#chain
    const pool = this.#pool
    if (chain === undefined || pool === undefined) throw new SubmitError('NOT_STARTED', SubmitErrorKind.Unavailable, 'the ledger is not started')
    const id = txId(tx)
    const key = id.toString()
    if (pool.has(key)) throw new SubmitError('ALREADY_KNOWN', SubmitErrorKind.Conflict, `transaction ${key} is already pending`)
    // A full pool refuses before the signature check: under overload, clients retrying would
    // otherwise spend the CPU consensus needs on verifying what cannot get in.
    if (pool.closedTo(tx.priority, bytes.byteLength)) {
      throw new SubmitError('MEMPOOL_FULL', SubmitErrorKind.Full, `the mempool is full (${pool.size} transactions) and holds nothing below priority ${tx.priority} to evict`)
    }
    const time = this.#blockTime(opts.now)
    try {
      // The ledger's rules first (a bad signature is reported as such whatever the nonce), then the
      // pool's own, without running the ledger's check a second time.
      checkTx(chain.ledger.state, tx, { blockTime: time })
      pool.add({ id: key, from: tx.from, nonce: tx.nonce, priority: tx.priority, size: bytes.byteLength, tx }, { checked: true })
    } catch (err) {
      throw submitRefusal(err)
    }
    this.#log?.debug({ tx: key, type: tx.type, from: tx.from, nonce: tx.nonce }, 'transaction admitted')
    this.dispatchEvent(new CustomEvent<TxEventDetail>('tx', { detail: { id, bytes, source: opts.source ?? 'local' } }))
    return id
  }

  /** Final (with its receipt) as soon as its block is stored; pending while in the mempool. */
  async txStatus (id: CID): Promise<TxStatus> {
    const final = await this.chain.receipt(id)
    if (final !== undefined) return { status: 'final', id, height: final.height, index: final.index, receipt: final.receipt }
    if (this.mempool.has(id.toString())) return { status: 'pending', id }
    return { status: 'unknown', id }
  }

  /** Transactions for the next block, in the mempool's order, within the consensus limits. */
  candidates (): Tx[] {
    const { consensus } = getParams(this.chain.ledger.state)
    return this.mempool.reap({ maxTxs: consensus.maxBlockTxs, maxBytes: consensus.maxBlockBytes }).map((e) => e.tx)
  }

  /**
   * Stores a finalized block with its commit certificate and makes it the head; then the mempool
   * forgets its transactions and re-checks the rest against the new state.
   */
  async commitBlock (block: Block, commit: Commit, executed?: ExecutedBlock): Promise<void> {
    const chain = this.chain
    await chain.commit(block, commit, executed)
    const { height } = block.header
    // The block's senders are re-checked after every block, everyone every FULL_RECHECK_BLOCKS.
    const recheck = height % FULL_RECHECK_BLOCKS === 0 ? undefined : new Set(block.txs.map((tx) => tx.from))
    const update = this.mempool.update({ ids: block.txs.map((tx) => txId(tx).toString()), ...(recheck !== undefined ? { recheck } : {}) })
    const cid = chain.headCid
    this.#log?.debug({ height, cid: cid.toString(), txs: block.txs.length, dropped: update.dropped.length }, 'block committed')
    this.dispatchEvent(new CustomEvent<BlockEventDetail>('block', { detail: { height, cid, txs: block.txs.length } }))
  }

  async block (height: number): Promise<StoredBlock | undefined> {
    return this.chain.blockAt(height)
  }

  account (did: string): AccountView | undefined {
    return accountView(this.chain.ledger, did, this.mempool.nextNonce(did))
  }

  member (did: string): MemberView | undefined {
    return memberView(this.chain.ledger, did)
  }

  reputation (did: string): ReputationView | undefined {
    return reputationView(this.chain.ledger, did)
  }

  /** Undefined until started. */
  status (): LedgerStatus | undefined {
    const chain = this.#chain
    const pool = this.#pool
    if (chain === undefined || pool === undefined) return undefined
    const meta = getChain(chain.ledger.state)
    return {
      height: chain.height,
      headCid: chain.headCid.toString(),
      finalizedHeight: chain.finalizedHeight,
      finalizedCid: chain.finalizedCid.toString(),
      headTime: chain.head.timestamp,
      shard: meta.shard,
      shards: meta.shards,
      mempool: { size: pool.size, bytes: pool.bytes }
    }
  }
}
