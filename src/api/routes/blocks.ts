/**
 * Blocks. `GET /blocks/:height` and `GET /blocks/latest` →
 * `{height, cid, header, txs, receipts, commit?}`: the header with CIDs as strings and bytes (roots,
 * signatures) as base64 (src/chain/json.ts), each transaction with its `id`, the receipts
 * `{tx, ok, code, mana}` in transaction order, and the commit certificate that finalized the block
 * (absent for genesis). 404 NOT_FOUND beyond the head, 400 INVALID_INPUT for a height that is not a
 * non-negative integer.
 */
import { toJson, type Json, type StoredBlock } from '../../chain/index.ts'
import { txId } from '../../ledger/index.ts'
import { ApiError } from '../errors.ts'
import type { ApiLedger, ApiRoute } from '../types.ts'
import { ledgerOf } from './tx.ts'

export function blockJson (stored: StoredBlock): Record<string, Json> {
  const { block, commit } = stored
  return {
    height: stored.height,
    cid: stored.cid.toString(),
    header: toJson(block.header),
    txs: block.txs.map((tx) => ({ id: txId(tx).toString(), ...(toJson(tx) as Record<string, Json>) })),
    receipts: toJson(stored.receipts),
    ...(commit !== null ? { commit: toJson(commit) } : {})
  }
}

async function blockAt (ledger: ApiLedger, height: number): Promise<Record<string, Json>> {
  const stored = await ledger.block(height)
  if (stored === undefined) throw new ApiError(404, 'NOT_FOUND', `no block at height ${height} (the head is ${ledger.status()?.height ?? 0})`)
  return blockJson(stored)
}

export const blocksRoute: ApiRoute = (app, node) => {
  app.get('/blocks/latest', async () => {
    const ledger = ledgerOf(node)
    return blockAt(ledger, ledger.status()?.height ?? 0)
  })

  app.get('/blocks/:height', async (request) => {
    const ledger = ledgerOf(node)
    const { height } = request.params as { height: string }
    const n = /^\d{1,16}$/.test(height) ? Number(height) : Number.NaN
    if (!Number.isSafeInteger(n)) throw new ApiError(400, 'INVALID_INPUT', `height: ${JSON.stringify(height)} is not a non-negative integer (or "latest")`, 'height')
    return blockAt(ledger, n)
  })
}
