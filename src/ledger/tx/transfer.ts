/**
 * `transfer {to, amount}`: moves cooperative credits. Cost 100 + amount / 100 (SPEC §4). The balance
 * never goes negative; the recipient's account is created (with full mana) if it does not exist.
 */
import { z, posint } from '../../codec/index.ts'
import { COST } from '../constants.ts'
import { TxError } from '../errors.ts'
import { getAccount, newAccount, putAccount } from '../state/accounts.ts'
import { totalReputation } from '../state/reputation.ts'
import { defineTx } from './handler.ts'
import { did } from './fields.ts'
import { shardOf } from './shard.ts'

export interface TransferPayload { to: string, amount: number }

export const transfer = defineTx<TransferPayload>({
  schema: z.strictObject({ to: did, amount: posint }),
  cost: (p) => COST.transferBase + Math.floor(p.amount / COST.transferPerAmount),
  apply (ctx, p) {
    const { view, from, time } = ctx
    if (p.to === from) throw new TxError('SELF_TRANSFER', 'payload.to', 'a transfer needs another recipient')
    // Credits to another shard go through cross_shard_transfer, so money is never created twice (SPEC §8).
    if (shardOf(p.to, ctx.chain.shards) !== ctx.chain.shard) {
      throw new TxError('WRONG_SHARD', 'payload.to', `recipient lives on shard ${shardOf(p.to, ctx.chain.shards)}`)
    }
    const sender = getAccount(view, from)
    if (sender === undefined || sender.balance < p.amount) {
      throw new TxError('INSUFFICIENT_BALANCE', 'payload.amount', `balance ${sender?.balance ?? 0} is less than ${p.amount}`)
    }
    const recipient = getAccount(view, p.to) ?? newAccount(totalReputation(view, p.to, time), time, ctx.params.economics)
    if (recipient.balance + p.amount > Number.MAX_SAFE_INTEGER) {
      throw new TxError('BALANCE_OVERFLOW', 'payload.amount', 'the recipient balance would exceed a safe integer')
    }
    putAccount(view, from, { ...sender, balance: sender.balance - p.amount })
    putAccount(view, p.to, { ...recipient, balance: recipient.balance + p.amount })
  }
})
