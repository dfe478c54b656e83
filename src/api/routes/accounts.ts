/**
 * `GET /accounts/:did` → `{did, balance, mana, manaCapacity, nonce, nextNonce, height, time}` as of
 * the head block: mana regenerated to the head's time, `nonce` the next nonce final state expects,
 * `nextNonce` the one a new transaction should carry counting this node's pending transactions.
 * 404 NOT_FOUND for a DID without an account, 400 INVALID_INPUT for a malformed DID.
 */
import { isDid } from '../../identity/index.ts'
import { toJson } from '../../chain/index.ts'
import { ApiError } from '../errors.ts'
import type { ApiRoute } from '../types.ts'
import { ledgerOf } from './tx.ts'

/** The `:did` parameter, checked to be an Ed25519 did:key. */
export function didParam (params: unknown): string {
  const { did } = params as { did: string }
  if (!isDid(did)) throw new ApiError(400, 'INVALID_INPUT', `did: ${JSON.stringify(did)} is not an Ed25519 did:key`, 'did')
  return did
}

export const accountsRoute: ApiRoute = (app, node) => {
  app.get('/accounts/:did', async (request) => {
    const ledger = ledgerOf(node)
    const did = didParam(request.params)
    const account = ledger.account(did)
    if (account === undefined) throw new ApiError(404, 'NOT_FOUND', `${did} has no account`)
    return toJson(account)
  })
}
