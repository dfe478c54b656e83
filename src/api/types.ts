/** What the API needs from a node, and how a route is declared. */
import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import type { CID } from '../codec/index.ts'
import type { AccountView, MemberView, ReputationView, StoredBlock, TxStatus } from '../chain/index.ts'

/**
 * The ledger as the API sees it (the node's LedgerService). `submit` throws a SubmitError (code +
 * kind) for a refused transaction; queries answer as of the head block.
 */
export interface ApiLedger {
  /** Largest encoded transaction `submit` accepts. */
  readonly maxTxBytes: number
  /** Undefined until the chain is open. */
  status: () => { height: number } | undefined
  submit: (bytes: Uint8Array) => Promise<{ id: CID }>
  txStatus: (id: CID) => Promise<TxStatus>
  /** Undefined beyond the head. */
  block: (height: number) => Promise<StoredBlock | undefined>
  account: (did: string) => AccountView | undefined
  member: (did: string) => MemberView | undefined
  reputation: (did: string) => ReputationView | undefined
}

/**
 * The node as the API sees it. `status()` is the node's own status object, served as is, so adding a
 * field to the node's status adds it to `GET /status` with no change here.
 */
export interface ApiNode {
  status: () => object
  peers: () => readonly object[]
  /** Prometheus registry served at `GET /metrics`. */
  metrics: Registry
  /** Chain and mempool; the ledger routes answer 503 UNAVAILABLE without it. */
  ledger?: ApiLedger
}

/** A route module: registers its handlers on the app. Listed in routes/index.ts. */
export type ApiRoute = (app: FastifyInstance, node: ApiNode) => void
