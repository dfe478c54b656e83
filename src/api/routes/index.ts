/** Every route of the node API. A new endpoint is a new file here and one entry in ROUTES. */
import type { ApiRoute } from '../types.ts'
import { statusRoute } from './status.ts'
import { peersRoute } from './peers.ts'
import { metricsRoute } from './metrics.ts'
import { txRoute } from './tx.ts'
import { blocksRoute } from './blocks.ts'
import { accountsRoute } from './accounts.ts'
import { membersRoute } from './members.ts'
import { reputationRoute } from './reputation.ts'

export const ROUTES: readonly ApiRoute[] = [
  statusRoute, peersRoute, metricsRoute, txRoute, blocksRoute, accountsRoute, membersRoute, reputationRoute
]
