/**
 * Negative control: the checker must be able to fail. Two forged node APIs (plain HTTP servers
 * answering `GET /status` and `GET /blocks/:height` like a node) agree for a while, then one of them
 * starts serving a different block at the next height. The running checker, reading them over HTTP
 * exactly as it reads real nodes, rejects `failed` with both CIDs, the height and both node names,
 * and stops reading.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Checker, SafetyViolation, httpNodeView } from '../../src/checker/index.ts'
import { forgedApi } from './forged-api.ts'

test('a forged divergent node makes the running checker fail at once', async (t) => {
  const honest = await forgedApi(['g', 'b1', 'b2', 'b3'])
  const forged = await forgedApi(['g', 'b1', 'b2', 'b3'])
  t.after(async () => { await honest.close(); await forged.close() })

  const checker = new Checker({ views: [httpNodeView('honest', () => honest.url), httpNodeView('forged', () => forged.url)], pollMs: 20 })
  checker.start()
  // it runs, agrees, and is not failing
  await checker.waitFor(() => checker.report().polls >= 10, { timeout: 20_000, what: 'ten status reads' })
  assert.equal(checker.violation, undefined)
  assert.equal(checker.head, 3)

  honest.chain.push('b4')
  forged.chain.push('b4-forged')
  const err = await checker.failed.then(() => undefined, (e: unknown) => e)
  assert.ok(err instanceof SafetyViolation)
  assert.equal(err.code, 'CONFLICTING_FINALIZATION')
  assert.equal(err.detail.height, 4)
  assert.deepEqual(new Set(err.detail.nodes), new Set(['honest', 'forged']))
  assert.deepEqual(new Set(err.detail.cids), new Set(['b4', 'b4-forged']))
  assert.match(err.message, /height 4/)

  // the verdict stopped the polling loops: stop() has nothing left to wait for, and nothing reads on
  const report = await checker.stop()
  const reads = honest.blockReads + forged.blockReads
  await checker.pollAll().catch(() => {})
  assert.equal(honest.blockReads + forged.blockReads, reads, 'no block read after the violation')
  assert.equal(report.safe, false)
  assert.equal(report.violation?.height, 4)
})

test('a node that answers 404 for a height it has not got is no violation', async (t) => {
  const node = await forgedApi(['g', 'b1'])
  t.after(async () => { await node.close() })
  const view = httpNodeView('n', () => node.url)
  const signal = AbortSignal.timeout(5_000)
  assert.equal(await view.blockCid(7, signal), undefined)
  assert.equal(await view.blockCid(1, signal), 'b1')
  assert.deepEqual(await view.status(signal), { finalizedHeight: 1, finalizedCid: 'b1' })
  assert.equal(await httpNodeView('stopped', () => undefined).status(signal), undefined)
})
