/**
 * `GET /reputation/:did` → `{did, categories: {<category>: value…}, total, height, time}`: every
 * category decayed to the head block's time and the weighted total, in integer milli-points
 * (1 point = 1000). 404 NOT_FOUND for a DID that is not a member, 400 INVALID_INPUT for a malformed DID.
 */
import { toJson } from '../../chain/index.ts'
import { ApiError } from '../errors.ts'
import type { ApiRoute } from '../types.ts'
import { didParam } from './accounts.ts'
import { ledgerOf } from './tx.ts'

export const reputationRoute: ApiRoute = (app, node) => {
  app.get('/reputation/:did', async (request) => {
    const ledger = ledgerOf(node)
    const did = didParam(request.params)
    const reputation = ledger.reputation(did)
    if (reputation === undefined) throw new ApiError(404, 'NOT_FOUND', `${did} is not a member`)
    return toJson(reputation)
  })
}
