/**
 * Multi-process: a validator killed with SIGKILL in the middle of consensus is restarted from its
 * home, catches up through sync, and takes part again — and never signs two conflicting votes (its
 * peers would detect the equivocation and sanction it on chain; its sanction level stays 0).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startTestnet } from './harness.ts'

interface Status { height: number, validator: boolean, syncing: boolean, finalizedCid: string }
interface MemberJson { validator?: { sanctionLevel: number, missed: number, active: boolean } }
interface BlockJson { cid: string, txs: Array<{ type: string }> }

test('a validator killed with SIGKILL restarts, catches up and never double-signs', async (t) => {
  const net = await startTestnet(t, { validators: 4 })
  await net.waitForAllHeight(5)

  await net.kill(2, 'SIGKILL')
  const before = (await net.status(0) as unknown as Status).height
  // The other three hold more than 2/3 of the power: the chain goes on without it.
  await net.waitForHeight(0, before + 5)

  await net.restart(2)
  const target = (await net.status(0) as unknown as Status).height + 3
  await net.waitForHeight(2, target, { timeout: 60_000 })
  await net.waitForHeight(0, target + 3)

  // Same chain everywhere.
  const [a, b] = await Promise.all([net.get<BlockJson>(0, `/blocks/${target}`), net.get<BlockJson>(2, `/blocks/${target}`)])
  assert.equal(a.status, 200)
  assert.equal(b.body.cid, a.body.cid)

  // No double-sign: no evidence transaction anywhere in the chain, and the validator is unsanctioned.
  const head = (await net.status(0) as unknown as Status).height
  for (let h = 1; h <= head; h++) {
    const block = await net.get<BlockJson>(0, `/blocks/${h}`)
    assert.ok(block.body.txs.every((tx) => tx.type !== 'evidence'), `no evidence in block ${h}`)
  }
  const member = await net.get<MemberJson>(0, `/members/${net.node(2).did}`)
  assert.equal(member.body.validator?.sanctionLevel, 0)
  assert.deepEqual(net.failures.map((f) => f.node), [], 'no node died on its own')
})
