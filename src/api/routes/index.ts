/** Every route of the node API. A new endpoint is a new file here and one entry in ROUTES. */
import type { ApiRoute } from '../types.ts'
import { statusRoute } from './status.ts'
import { peersRoute } from './peers.ts'
import { metricsRoute } from './metrics.ts'

export const ROUTES: readonly ApiRoute[] = [statusRoute, peersRoute, metricsRoute]
