/**
 * Who may not talk to whom: groups cut each other off, nodes outside every group keep talking to
 * everyone, isolation (the in-process pause) cuts one node off from all, and the relation is symmetric.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PartitionPlan } from '../../src/faults/index.ts'

const ALL = [0, 1, 2, 3, 4]
const blocked = (plan: PartitionPlan, i: number): number[] => [...plan.blockedFrom(i, ALL)].sort()

function assertSymmetric (plan: PartitionPlan): void {
  for (const a of ALL) for (const b of ALL) assert.equal(plan.blockedFrom(a, ALL).has(b), plan.blockedFrom(b, ALL).has(a), `${a}–${b}`)
}

test('groups cut each other off; a node in no group talks to everyone', () => {
  const plan = new PartitionPlan()
  plan.setGroups([[0, 1], [2, 3]])
  assert.deepEqual(blocked(plan, 0), [2, 3])
  assert.deepEqual(blocked(plan, 3), [0, 1])
  assert.deepEqual(blocked(plan, 4), [])
  assertSymmetric(plan)
  plan.setGroups([[0, 1, 2], [3]])
  assert.deepEqual(blocked(plan, 0), [3], 'a new partition replaces the old one')
  assert.deepEqual(blocked(plan, 3), [0, 1, 2])
  plan.clearGroups()
  assert.ok(ALL.every((i) => blocked(plan, i).length === 0))
})

test('an isolated node is cut off from all, on top of any partition, until released', () => {
  const plan = new PartitionPlan()
  plan.setGroups([[0, 1], [2, 3]])
  plan.isolate(1)
  assert.deepEqual(blocked(plan, 1), [0, 2, 3, 4])
  assert.deepEqual(blocked(plan, 0), [1, 2, 3])
  assert.deepEqual(blocked(plan, 4), [1])
  assertSymmetric(plan)
  plan.release(1)
  assert.deepEqual(blocked(plan, 1), [2, 3])
  assertSymmetric(plan)
})
