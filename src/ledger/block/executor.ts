/**
 * Executes a block on an overlay of the parent's state, in a fixed order every node follows:
 * 1. the validator set for this height is computed from the parent state (before anything changes);
 * 2. rewards and penalties from lastCommit (rewards.ts);
 * 3. the transactions in order: admission (exact nonce, mana, signature…) then execution;
 * 4. chain bookkeeping: height, block time, recent proposers, the set that votes on this block.
 * The result holds the new state root, the receipts and the writes to persist; the committed state
 * is untouched until `commitBlock`.
 */
import type { CID } from '../../codec/index.ts'
import type { Commit } from '../../consensus/messages.ts'
import type { ValidatorSet } from '../../consensus/validator-set.ts'
import { recentProposersKept } from '../constants.ts'
import { BlockError, TxError } from '../errors.ts'
import { getChain, getParams, putChain, type ChainMeta, type Params } from '../state/meta.ts'
import type { KVWrite, LedgerState, StateChanges, StateOverlay } from '../state/store.ts'
import { lastValidatorSet, nextValidatorSet, toStored } from '../state/validators.ts'
import { executeTx, type TxOutcome } from '../tx/apply.ts'
import { admitTx } from '../tx/check.ts'
import type { Tx } from '../tx/envelope.ts'
import { applyCommitRewards } from './rewards.ts'
import { receiptOf, receiptsRoot, txRootOf, type Receipt } from './receipts.ts'
import type { Block } from './types.ts'

/** What executing a block produced; `commitBlock` applies it. */
export interface ExecutedBlock {
  height: number
  txRoot: Uint8Array
  stateRoot: Uint8Array
  receiptsRoot: Uint8Array
  receipts: Receipt[]
  /** The KV writes to persist atomically with the block. */
  writes: KVWrite[]
  /** The validator set that votes on this block (and verifies its commit in the next one). */
  validators: ValidatorSet
  /** The state transition itself, for LedgerState.apply. */
  changes: StateChanges
}

/** The header fields execution depends on. */
export interface BlockContext {
  height: number
  timestamp: number
  proposer: string
  lastCommit: Commit | null
}

export class BlockExecutor {
  readonly chain: ChainMeta
  readonly params: Params
  readonly validators: ValidatorSet
  readonly view: StateOverlay
  readonly ctx: BlockContext
  readonly txs: Tx[] = []
  readonly outcomes: TxOutcome[] = []
  readonly #ids: CID[] = []

  constructor (state: LedgerState, ctx: BlockContext) {
    this.chain = getChain(state)
    this.params = getParams(state)
    this.ctx = ctx
    this.validators = nextValidatorSet(state)
    this.view = state.overlay()
    applyCommitRewards(this.view, {
      commit: ctx.lastCommit,
      set: lastValidatorSet(state),
      proposer: this.chain.recentProposers[0] ?? null,
      time: ctx.timestamp,
      params: this.params
    })
  }

  /** Admits and executes `tx`; throws the TxError of a failed admission, leaving no trace. */
  include (tx: Tx): TxOutcome {
    const admission = admitTx(this.view, tx, this.chain, this.params, this.ctx.timestamp)
    const outcome = executeTx(this.view, tx, admission, {
      time: this.ctx.timestamp, height: this.ctx.height, params: this.params, chain: this.chain
    })
    this.txs.push(tx)
    this.outcomes.push(outcome)
    this.#ids.push(outcome.id)
    return outcome
  }

  finish (): ExecutedBlock {
    const { proposer, timestamp, height } = this.ctx
    putChain(this.view, {
      ...this.chain,
      height,
      time: timestamp,
      recentProposers: [proposer, ...this.chain.recentProposers].slice(0, recentProposersKept(this.params.consensus.proposerCooldown)),
      lastValidators: toStored(this.validators)
    })
    const changes = this.view.changes()
    const receipts = this.outcomes.map(receiptOf)
    return {
      height,
      txRoot: txRootOf(this.#ids),
      stateRoot: changes.stateRoot,
      receiptsRoot: receiptsRoot(receipts),
      receipts,
      writes: changes.writes,
      validators: this.validators,
      changes
    }
  }
}

/** Applies an executed block to the state it was executed on. */
export function commitBlock (state: LedgerState, executed: ExecutedBlock): void {
  state.apply(executed.changes)
}

/**
 * Executes every transaction of `block` on top of `state` and returns the result, without the
 * structural checks (proposer, commit, roots): for blocks already validated or built by this node.
 * Blocks from peers go through validateBlock, which calls this after its checks. A transaction that
 * cannot be admitted makes the whole block invalid (INVALID_TX, with the transaction's own code).
 */
export function executeBlock (state: LedgerState, block: Block): ExecutedBlock {
  const { header } = block
  if (header.proposer === null) throw new BlockError('MALFORMED', 'header.proposer', 'genesis is not executed')
  const executor = new BlockExecutor(state, { height: header.height, timestamp: header.timestamp, proposer: header.proposer, lastCommit: header.lastCommit })
  block.txs.forEach((tx, i) => {
    try {
      executor.include(tx)
    } catch (err) {
      if (err instanceof TxError) throw new BlockError('INVALID_TX', `txs.${i}${err.field === '' ? '' : '.' + err.field}`, err.reason, err.code)
      throw err
    }
  })
  return executor.finish()
}
