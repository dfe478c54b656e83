/**
 * The mempool's public types. The pool is generic over the transaction type `T`: the ledger computes
 * the id, sender, nonce, priority and encoded size and hands them in beside the transaction, so the pool
 * never decodes or hashes anything itself.
 */

/** What the caller submits. */
export interface MempoolTx<T> {
  /** Transaction id: its CID as a string. */
  id: string
  /** Sender DID. */
  from: string
  /** Per-sender sequence number (SPEC §4). */
  nonce: number
  /** 1–5 (SPEC §4); a higher priority is reaped first and evicted last. */
  priority: number
  /** Encoded size in bytes; what the byte bounds count. */
  size: number
  tx: T
}

/** A held transaction. Frozen: the pool's accounting depends on these fields. */
export interface MempoolEntry<T> extends Readonly<MempoolTx<T>> {
  /** Admission sequence number assigned by the pool; breaks priority ties (earlier first). */
  readonly arrival: number
}

/** The ledger's verdict on a transaction: undefined to accept, or the reason it refuses. */
export interface CheckFailure {
  code: string
  message: string
}

/** The ledger as the pool sees it, as of the last final block. */
export interface LedgerView<T> {
  /**
   * The ledger's checkTx (signature, mana, balance, …) against final state. Run at admission and again
   * on every held transaction at each `update`, so it should be cheap on a repeat (e.g. memoise signature
   * verification by id). It judges one transaction alone; the pool does not sum a sender's pending costs.
   */
  check: (tx: T) => CheckFailure | undefined
  /**
   * The next nonce the ledger expects from `from` (0 for an unknown account). Asked when the pool first
   * holds a sender and for every held sender at `update`; between updates a held sender's nonce is the
   * one learnt at the last update, so the pool's view moves only with final blocks.
   */
  accountNonce: (from: string) => number
}

export type MempoolComponents<T> = LedgerView<T>

export interface MempoolInit {
  /** Most transactions held (default DEFAULT_MAX_TXS = 10,000). */
  maxTxs?: number
  /** Most encoded bytes held (default DEFAULT_MAX_BYTES = 64 MiB). */
  maxBytes?: number
  /** Most transactions per sender, executable and queued (default DEFAULT_MAX_PER_SENDER = 1,000). */
  maxPerSender?: number
  /** Most future-nonce transactions per sender (default DEFAULT_MAX_QUEUED_PER_SENDER = 64). */
  maxQueuedPerSender?: number
  /** Largest nonce − next-executable-nonce accepted (default DEFAULT_MAX_NONCE_GAP = 64). */
  maxNonceGap?: number
}

export interface AddResult<T> {
  entry: MempoolEntry<T>
  /** The entry with the same (sender, nonce) that this one replaced. */
  replaced?: MempoolEntry<T>
  /** Entries evicted to make room, worst first. */
  evicted: Array<MempoolEntry<T>>
}

export interface ReapLimits {
  /** Most transactions to return; unlimited when omitted. */
  maxTxs?: number
  /** Most total encoded bytes to return; unlimited when omitted. */
  maxBytes?: number
}

export interface Dropped<T> {
  entry: MempoolEntry<T>
  /** NONCE_TOO_LOW, SENDER_QUEUE_FULL, or the ledger's check code. */
  code: string
}

export interface UpdateResult<T> {
  /** Held entries whose ids were committed. */
  committed: Array<MempoolEntry<T>>
  /** Entries removed because their nonce went stale or the re-check refused them. */
  dropped: Array<Dropped<T>>
  /** Entries that were queued before the update and are executable after it. */
  promoted: Array<MempoolEntry<T>>
}

/** What a final block changed, as the pool needs it. */
export interface BlockUpdate {
  /** Ids of the block's transactions. */
  ids: Iterable<string>
  /**
   * Senders whose held transactions are run through `check` again; absent: every sender. A block
   * changes the state of the accounts it touches; re-checking the whole pool after every block costs
   * a check per held transaction (10,000 × each block under load), while what a block made invalid
   * elsewhere is still refused by the block builder, and a periodic full re-check drops it.
   */
  recheck?: ReadonlySet<string>
}

export interface Mempool<T> extends Iterable<MempoolEntry<T>> {
  /**
   * Admits a transaction or throws a MempoolRefusal (MempoolError or TxRejectedError). `checked`:
   * the caller has just run the view's `check` on this transaction against the same state, so the
   * pool does not run it again.
   */
  add (input: MempoolTx<T>, opts?: { checked?: boolean }): AddResult<T>
  /** The transactions for the next block, in execution order. Read-only: nothing is removed. */
  reap (limits?: ReapLimits): Array<MempoolEntry<T>>
  /**
   * Called once a block is final: removes its transactions, drops stale and now-invalid ones, promotes
   * queued ones that became executable. `view`, when given, becomes the pool's ledger view from now on.
   */
  update (committed: BlockUpdate, view?: Partial<LedgerView<T>>): UpdateResult<T>
  has (id: string): boolean
  /**
   * True when a new transaction of this priority and size cannot get in now: the pool is at a bound
   * and holds nothing ranked below a newcomer of that priority (a newcomer loses ties). Lets callers
   * refuse with MEMPOOL_FULL before paying for decoding and signature checks.
   */
  closedTo (priority: number, size: number): boolean
  get (id: string): MempoolEntry<T> | undefined
  /** A sender's held entries in nonce order, executable run first, then queued. */
  pending (from: string): Array<MempoolEntry<T>>
  /** The nonce a new transaction from `from` should carry to extend its executable run. */
  nextNonce (from: string): number
  readonly size: number
  readonly bytes: number
}
