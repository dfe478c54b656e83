/**
 * Replication: the part of the node that agrees with its peers. It joins the gossip topics, serves and
 * requests blocks, catches up with peers before voting, and drives the consensus engine:
 *
 *   gossip ─validated─▶ ConsensusService ─outputs─▶ gossip / ledger commit / sync triggers
 *   sync (reqresp) ─verified blocks─▶ ledger commit ─▶ consensus restarts at the new head
 *
 * Start order: request/response (so peers can sync from us), initial sync, gossip, consensus.
 * A block may only reach the ledger through `#commit`, which serialises consensus and sync.
 */
import type { Logger } from 'pino'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import type { CID } from '../../codec/index.ts'
import { cachingVerifier, createPrivValidator, signVote, voteBody, type SignatureVerifier, type Commit, type ConsensusParams, type Evidence, type Vote } from '../../consensus/index.ts'
import { buildTx, encodeTx, getParams, txId, type Block, type ExecutedBlock } from '../../ledger/index.ts'
import type { KeyPair } from '../../identity/index.ts'
import type { NetworkHost } from '../../network/index.ts'
import { createGossip, evidenceKey, type BatchedTx, type Gossip } from '../../network/topics/index.ts'
import { createReqResp, type ChainReader, type ReqResp } from '../../network/reqresp/index.ts'
import { createSync, type Sync, type SyncStatus } from '../../sync/index.ts'
import { SubmitError } from '../../chain/index.ts'
import type { LedgerService, TxEventDetail } from '../ledger-service.ts'
import { ConsensusService, type ConsensusServiceInit } from './service.ts'
import { HeadContext } from './context.ts'
import { WalFile } from './wal-file.ts'
import { fileSignerStore } from './signer-file.ts'

export interface ReplicationInit extends ConsensusServiceInit {
  /** Take part in consensus (vote and propose when in the validator set). Default true. */
  consensus?: boolean
  /** Request/response and sync tuning (tests shorten timeouts). */
  reqresp?: { ttfbTimeoutMs?: number, requestTimeoutMs?: number }
  /**
   * How often peers' heads are checked for a lag that gossip cannot reveal (gossip ignores messages
   * of heights far ahead, so a node that fell behind learns it here). Default 1000 ms.
   */
  syncCheckMs?: number
  /** At start, how long to wait for a first verified peer before deciding there is nobody to sync from. Default 10 000 ms. */
  peerWaitMs?: number
  /**
   * Fault injection for tests, never for production: `equivocate` makes this validator double-sign —
   * beside each of its votes it gossips a conflicting one (for no block), signed with its key behind
   * the signer guard's back. Honest peers must detect it and sanction it on chain.
   */
  faults?: { equivocate?: boolean }
}

export interface ReplicationComponents {
  home: string
  keyPair: KeyPair
  networkId: CID
  shard: number
  shards: number
  ledger: LedgerService
  host: NetworkHost
  logger: Logger
  /** The node was given peers to dial: wait for one before the initial sync. */
  expectPeers: boolean
  /** Signature checks shared with the chain store, so each precommit is verified once. */
  verifier?: SignatureVerifier
  now?: () => number
}

/** Consensus and sync as `GET /status` shows them (NodeStatus extends this). */
export interface ReplicationStatus {
  /** Consensus round of the height being decided; null until consensus runs. */
  round: number | null
  /** Step of that round: propose, prevote or precommit. */
  step: string | null
  /** This node is in the validator set of the height being decided. */
  validator: boolean
  /** Catching up with peers through the sync protocol. */
  syncing: boolean
  /** Height the sync aims for (the best peer head), null before the first sync. */
  syncTarget: number | null
  /** Blocks applied per second by the current or last sync run. */
  syncBlocksPerSecond: number
  /** Network messages the engine's bounded queue dropped (oldest first) under a flood. */
  droppedConsensusMessages: number
}

/** What a node reports before replication runs. */
export const IDLE_REPLICATION_STATUS: ReplicationStatus = {
  round: null, step: null, validator: false, syncing: false, syncTarget: null, syncBlocksPerSecond: 0, droppedConsensusMessages: 0
}

export class Replication {
  readonly #c: ReplicationComponents
  readonly #init: ReplicationInit
  readonly #log: Logger
  readonly #now: () => number
  readonly #verifier: SignatureVerifier
  readonly #context: HeadContext
  #gossip: Gossip | undefined
  #reqresp: ReqResp | undefined
  #sync: Sync | undefined
  #consensus: ConsensusService | undefined
  #commitQueue: Promise<void> = Promise.resolve()
  #running = false
  #syncCheck: NodeJS.Timeout | undefined
  readonly #abort = new AbortController()

  constructor (components: ReplicationComponents, init: ReplicationInit = {}) {
    this.#c = components
    this.#init = init
    this.#log = components.logger.child({ module: 'replication' })
    this.#now = components.now ?? Date.now
    this.#verifier = components.verifier ?? cachingVerifier()
    this.#context = new HeadContext(components.ledger, { networkId: components.networkId, shard: components.shard, now: this.#now })
  }

  get consensus (): ConsensusService | undefined { return this.#consensus }
  get sync (): Sync | undefined { return this.#sync }

  #params (): ConsensusParams {
    return getParams(this.#c.ledger.chain.ledger.state).consensus
  }

  /**
   * The only way a block reaches the ledger. Consensus and sync may both hold the next block; the
   * queue runs one commit at a time and drops a block the head has already passed.
   */
  #commit (block: Block, commit: Commit, executed: ExecutedBlock | undefined): Promise<void> {
    const run = this.#commitQueue.then(async () => {
      const chain = this.#c.ledger.chain
      if (block.header.height <= chain.height) return
      await this.#c.ledger.commitBlock(block, commit, executed)
      this.#context.noteFinal(block.txs.map((tx) => txId(tx).toString()))
    })
    this.#commitQueue = run.catch(() => {})
    return run
  }

  #chainReader (): ChainReader {
    const store = (): LedgerService['chain'] => this.#c.ledger.chain
    return {
      status: () => {
        const s = store()
        return { head: { height: s.height, cid: s.headCid }, finalized: { height: s.finalizedHeight, cid: s.finalizedCid } }
      },
      blocksRange: async (start, count) => {
        const blocks = await store().blocksRange(start, count)
        return blocks.filter((b) => b.commit !== null).map((b) => ({ block: b.block, commit: b.commit as Commit }))
      },
      blockByCid: async (cid) => {
        const b = await store().blockByCid(cid)
        if (b === undefined || b.commit === null) return undefined
        return { block: b.block, commit: b.commit }
      }
    }
  }

  async start (): Promise<void> {
    const { host, ledger, networkId, shard, logger } = this.#c
    this.#running = true
    // The WAL and signer state live in the home; an in-memory node (tests) may not have one yet.
    await mkdir(this.#c.home, { recursive: true, mode: 0o700 })
    const reportPeer = (peerId: string, action: 'fatal' | 'low' | 'mid' | 'high', reason: string): void => { host.scorer.report(peerId, action, reason) }

    this.#reqresp = createReqResp({
      host,
      chain: this.#chainReader(),
      networkId,
      reportPeer,
      logger: logger.child({ module: 'reqresp' }),
      maxBlockBytes: this.#params().maxBlockBytes,
      ...(this.#init.reqresp?.ttfbTimeoutMs !== undefined ? { ttfbTimeoutMs: this.#init.reqresp.ttfbTimeoutMs } : {}),
      ...(this.#init.reqresp?.requestTimeoutMs !== undefined ? { requestTimeoutMs: this.#init.reqresp.requestTimeoutMs } : {})
    })
    await this.#reqresp.start()

    this.#sync = createSync({
      reqresp: this.#reqresp,
      host,
      chain: () => ledger.chain.ledger,
      networkId,
      shard,
      apply: async (block, commit) => { await this.#commit(block, commit, undefined) },
      reportPeer,
      logger: logger.child({ module: 'sync' }),
      verifier: this.#verifier,
      onSynced: () => { this.#consensus?.restartAtHead() },
      now: this.#now
    })
    if (this.#c.expectPeers) await this.#firstPeer(this.#init.peerWaitMs ?? 10_000)
    await this.#sync.initialSync()
    if (!this.#running) return

    const consensus = new ConsensusService({
      network: networkId,
      shard,
      params: () => this.#params(),
      chain: () => ledger.chain.ledger,
      headCommit: () => ledger.chain.headCommit,
      candidates: () => ledger.candidates(),
      commit: async (block, commit, executed) => { await this.#commit(block, commit, executed) },
      broadcast: {
        proposal: (proposal, block) => { this.#publish(this.#gossip?.publishProposal(proposal, block)) },
        vote: (vote) => {
          this.#publish(this.#gossip?.publishVote(vote))
          if (this.#init.faults?.equivocate === true && vote.block !== null) {
            this.#publish(this.#gossip?.publishVote(signVote(this.#c.keyPair, { ...voteBody(vote), block: null })))
          }
        },
        evidence: (evidence) => { this.#onEvidence(evidence) }
      },
      ...(this.#init.consensus !== false ? { signer: createPrivValidator(this.#c.keyPair, fileSignerStore(join(this.#c.home, 'signer-state.cbor'))) } : {}),
      verifier: this.#verifier,
      wal: new WalFile(join(this.#c.home, 'consensus.wal')),
      logger: logger.child({ module: 'consensus' }),
      onBehind: (height, from) => { this.#sync?.onBehind(height, from) },
      onRejected: (error, from) => { if (error.action === 'reject') reportPeer(from, 'low', `consensus:${error.code}`) },
      onCommitted: (height, cid, round) => { this.#log.info({ height, cid: cid.toString(), round }, 'block finalized') },
      now: this.#now
    }, this.#init)
    this.#consensus = consensus

    this.#gossip = createGossip({
      host,
      context: this.#context,
      handlers: {
        tx: (txs) => { this.#admitGossiped(txs) },
        proposal: (proposal, block, from) => { consensus.push({ type: 'proposal', now: 0, proposal, block, from }) },
        vote: (vote, from) => { consensus.push({ type: 'vote', now: 0, vote, from }) },
        // Both votes go to the engine: it finds the equivocation itself and emits the evidence.
        evidence: (a, b, from) => {
          consensus.push({ type: 'vote', now: 0, vote: a, from })
          consensus.push({ type: 'vote', now: 0, vote: b, from })
        }
      },
      scorer: host.scorer,
      verifier: this.#verifier,
      logger: logger.child({ module: 'gossip' }),
      now: this.#now
    })
    this.#gossip.start()
    ledger.addEventListener('tx', this.#onTx)
    consensus.start()
    this.#syncCheck = setInterval(() => { this.#checkPeers() }, this.#init.syncCheckMs ?? 1000)
  }

  /** Resolves when a peer passed the handshake, or after `ms` (a lone first validator has nobody). */
  async #firstPeer (ms: number): Promise<void> {
    const { host } = this.#c
    if (host.peers().some((p) => p.verified)) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        host.removeEventListener('peer:verified', done)
        this.#abort.signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      host.addEventListener('peer:verified', done)
      this.#abort.signal.addEventListener('abort', done)
    })
  }

  /** A sync run when a peer's head is more than one block ahead (the sync checks and decides). */
  #checkPeers (): void {
    const sync = this.#sync
    if (sync === undefined || sync.status().syncing || !this.#running) return
    sync.initialSync().catch((err: unknown) => { this.#log.error({ err }, 'sync check failed') })
  }

  /**
   * Admits the transactions of an accepted batch, in order (a sender's nonces). One can still be
   * refused (the pool filled, a race with a block): the batch was already judged, so that is no
   * fault of the peer, and gossipsub has relayed the batch as it came.
   */
  #admitGossiped (txs: readonly BatchedTx[]): void {
    const { ledger } = this.#c
    const now = this.#now()
    for (const { tx, bytes } of txs) {
      try {
        ledger.admit(tx, bytes, { now, source: 'gossip' })
      } catch (err) {
        if (!(err instanceof SubmitError)) throw err
      }
    }
  }

  /** Relays transactions admitted locally (API, CLI); gossiped ones were already relayed by gossipsub. */
  readonly #onTx = (event: Event): void => {
    const { bytes, source } = (event as CustomEvent<TxEventDetail>).detail
    if (source === 'gossip') return
    this.#publish(this.#gossip?.publishTx(bytes))
  }

  #publish (sent: Promise<number> | undefined): void {
    sent?.catch((err: unknown) => { this.#log.debug({ err }, 'publish failed') })
  }

  /**
   * Equivocation seen by our engine: tell peers (they confirm it themselves) and, as a member, submit
   * the evidence transaction that sanctions the offender. The ledger refuses a second one for the
   * same offence, so several validators doing this at once costs a failed receipt at worst.
   */
  #onEvidence (evidence: Evidence): void {
    if (evidence.kind !== 'duplicate-vote') {
      this.#log.warn({ proposer: evidence.first.proposer, height: evidence.first.height, round: evidence.first.round }, 'proposer signed two proposals in one round')
      return
    }
    const { first, second } = evidence
    this.#log.warn({ validator: first.validator, height: first.height, round: first.round, type: first.type }, 'double-sign detected')
    this.#publish(this.#gossip?.publishEvidence(first, second))
    if (this.#context.knownEvidence(evidenceKey(first))) return
    this.#submitEvidence(first, second).catch((err: unknown) => { this.#log.info({ err: (err as Error).message }, 'evidence transaction not submitted') })
  }

  async #submitEvidence (voteA: Vote, voteB: Vote): Promise<void> {
    const { ledger, keyPair, networkId, shards } = this.#c
    if (ledger.account(keyPair.did) === undefined) return
    const tx = buildTx(keyPair, {
      type: 'evidence',
      payload: { voteA, voteB },
      nonce: ledger.mempool.nextNonce(keyPair.did),
      network: networkId,
      timestamp: this.#now(),
      shards,
      priority: 5
    })
    await ledger.submit(encodeTx(tx), this.#now())
  }

  async stop (): Promise<void> {
    this.#running = false
    this.#abort.abort()
    if (this.#syncCheck !== undefined) clearInterval(this.#syncCheck)
    this.#c.ledger.removeEventListener('tx', this.#onTx)
    this.#consensus?.stop()
    this.#gossip?.stop()
    await this.#sync?.stop()
    await this.#reqresp?.stop()
    await this.#commitQueue
  }

  status (): ReplicationStatus {
    const engine = this.#consensus?.state()
    const sync: SyncStatus | undefined = this.#sync?.status()
    return {
      round: engine?.started === true ? engine.round : null,
      step: engine?.started === true ? engine.step : null,
      validator: engine?.validator ?? false,
      syncing: sync?.syncing ?? false,
      syncTarget: sync?.target ?? null,
      syncBlocksPerSecond: sync?.blocksPerSecond ?? 0,
      droppedConsensusMessages: this.#consensus?.droppedMessages ?? 0
    }
  }
}
