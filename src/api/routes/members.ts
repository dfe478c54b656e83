/**
 * `GET /members/:did` → the member record `{did, profile, cooperative, permissions, joinedAt, sponsor,
 * contributions, mutualAidGiven, mutualAidReceived, endorsements}` plus
 * `validator: {candidate, active, performance (ppm), missed, sanctionLevel}` and the head's
 * `height` and `time`. 404 NOT_FOUND for a DID that is not a member, 400 INVALID_INPUT for a malformed DID.
 */
import { toJson } from '../../chain/index.ts'
import { ApiError } from '../errors.ts'
import type { ApiRoute } from '../types.ts'
import { didParam } from './accounts.ts'
import { ledgerOf } from './tx.ts'

export const membersRoute: ApiRoute = (app, node) => {
  app.get('/members/:did', async (request) => {
    const ledger = ledgerOf(node)
    const did = didParam(request.params)
    const member = ledger.member(did)
    if (member === undefined) throw new ApiError(404, 'NOT_FOUND', `${did} is not a member`)
    return toJson(member)
  })
}
