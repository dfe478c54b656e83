/** An HTTP API app over a started in-memory ledger service, closed with the test. */
import { Registry } from 'prom-client'
import type { FastifyInstance } from 'fastify'
import { createApiApp, type ApiNode } from '../../src/api/index.ts'
import { openStore } from '../../src/storage/index.ts'
import { ledgerService, type LedgerService } from '../../src/node/index.ts'
import type { MempoolInit } from '../../src/ledger/mempool/index.ts'
import { testGenesis, T0 } from '../chain/helpers.ts'

export const genesis = testGenesis()

export async function ledgerApi (t: { after: (fn: () => Promise<void>) => void }, mempool: MempoolInit = {}): Promise<{ app: FastifyInstance, service: LedgerService }> {
  const store = await openStore({ memory: true })
  const service = ledgerService({ mempool })({ store, genesis, now: () => T0 })
  await service.start()
  const node: ApiNode = { status: () => ({}), peers: () => [], metrics: new Registry(), ledger: service }
  const app = await createApiApp({ node })
  t.after(async () => {
    await app.close()
    await store.close()
  })
  return { app, service }
}

/** An API app for a node that has no ledger (yet). */
export async function ledgerlessApi (): Promise<FastifyInstance> {
  return createApiApp({ node: { status: () => ({}), peers: () => [], metrics: new Registry() } })
}
