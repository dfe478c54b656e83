/**
 * A validator that double-signs (fault injection: every vote for a block is shadowed by a signed nil
 * vote for the same height, round and type) is caught: an honest validator's engine detects the
 * conflicting pair, an evidence transaction is finalized, and the offender's sanction level rises.
 * The chain keeps finalizing, and honest nodes never disagree.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster } from './cluster.ts'
import { waitFor } from '../helpers/wait.ts'
import { getValidatorRecord } from '../../src/ledger/index.ts'

test('an equivocating validator is detected, evidence is finalized and it is sanctioned', async (t) => {
  const cluster = await startCluster({ validators: 4 })
  t.after(async () => { await cluster.close() })
  for (let i = 0; i < 3; i++) await cluster.start(i)
  const byzantine = await cluster.start(3, { options: { replication: { faults: { equivocate: true } } } })
  const honest = cluster.running().filter((n) => n !== byzantine)

  const sanction = await waitFor(() => {
    const record = getValidatorRecord(honest[0]!.ledger.chain.ledger.state, byzantine.did)
    return record.sanctionLevel >= 1 ? record.sanctionLevel : undefined
  }, { timeout: 60_000, what: 'the double-signer to be sanctioned on chain' })
  assert.ok(sanction >= 1)

  // The evidence is a finalized transaction, identical on every honest node.
  const height = honest[0]!.status().height ?? 0
  await cluster.waitForHeight(height + 2, honest)
  let found = 0
  for (let h = 1; h <= height; h++) {
    const blocks = await Promise.all(honest.map(async (n) => n.ledger.chain.blockAt(h)))
    assert.ok(blocks.every((b) => b?.cid.toString() === blocks[0]?.cid.toString()), `honest nodes agree on block ${h}`)
    found += blocks[0]!.block.txs.filter((tx) => tx.type === 'evidence' && (tx.payload as { voteA: { validator: string } }).voteA.validator === byzantine.did).length
  }
  assert.ok(found >= 1, 'an evidence transaction against the double-signer is in the chain')
})
