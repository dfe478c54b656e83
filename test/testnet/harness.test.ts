/**
 * The e2e harness (test/e2e/harness.ts) against real node processes: start, transactions over HTTP,
 * pause/resume, an unexpected crash, restart, a late joiner, and a stop that leaves nothing behind.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { access } from 'node:fs/promises'
import { startTestnet } from '../e2e/harness.ts'
import { canBind } from '../../src/testnet/index.ts'
import { waitFor } from '../helpers/wait.ts'

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test('harness: nodes connect, take transactions, survive pause, crash and restart; a late node joins; stop cleans up', async (t) => {
  const net = await startTestnet(t, { validators: 3, members: 2 })
  assert.equal(net.nodes.length, 3)
  const statuses = await Promise.all(net.nodes.map(async (n) => net.waitForPeers(n.index, 2)))
  for (const [i, s] of statuses.entries()) {
    assert.equal(s.networkId, net.networkId.toString())
    assert.equal(s.peerId, net.node(i).peerId)
    assert.equal(s.api, net.apiUrl(i))
  }
  assert.deepEqual(net.validatorKeys.map((k) => k.did), net.nodes.map((n) => n.did))

  // transactions go in over HTTP as raw DAG-CBOR; the harness keeps the sender's nonce
  const [alice, bob] = net.members
  assert.ok(alice !== undefined && bob !== undefined)
  const first = await net.transfer(0, { from: alice, to: bob.did, amount: 5 })
  assert.equal(first.status, 202, JSON.stringify(first.body))
  assert.equal(typeof first.body.id, 'string')
  const second = await net.transfer(1, { from: alice, to: bob.did, amount: 6 })
  assert.equal(second.status, 202, JSON.stringify(second.body))
  assert.equal(second.tx.nonce, 1)
  const replay = await net.submitTx(0, first.tx)
  assert.ok(replay.status >= 400 && replay.status < 500, 'a replayed transaction is refused')

  // pause: the process lives but does not answer; resume: it answers again
  const pid2 = net.pid(2)
  assert.ok(pid2 !== undefined)
  net.pause(2)
  await assert.rejects(net.status(2))
  assert.ok(alive(pid2))
  net.resume(2)
  await net.waitForStatus(2, (s) => s.peerId === net.node(2).peerId, 'answers after resume')

  // a crash the harness did not cause is recorded; the node starts again with the same identity
  const pid1 = net.pid(1)
  assert.ok(pid1 !== undefined)
  process.kill(pid1, 'SIGKILL')
  const crash = await waitFor(() => net.failures.find((f) => f.node === 'node1'), { what: 'the crash to be reported' })
  assert.equal(crash.exit.signal, 'SIGKILL')
  assert.equal(net.supervisor.state(1), 'stopped')
  const back = await net.start(1)
  assert.equal(back.peerId, net.node(1).peerId)
  await net.waitForPeers(1, 2)

  // restart: a new process on the same home and ports
  const pid0 = net.pid(0)
  const restarted = await net.restart(0)
  assert.notEqual(net.pid(0), pid0)
  assert.equal(restarted.did, net.node(0).did)
  assert.equal(pid0 !== undefined && alive(pid0), false)

  // a late non-validator joins the same network through the validators
  const late = await net.addNode({ late: true })
  assert.equal(late.index, 3)
  assert.equal(late.role, 'node')
  const joined = await net.waitForPeers(3, 1)
  assert.equal(joined.networkId, net.networkId.toString())
  const exit = await net.kill(3, 'SIGTERM')
  assert.equal(exit.code, 0, 'SIGTERM is a clean shutdown')
  assert.equal(net.failures.length, 1, 'deliberate kills are not failures')
  await net.start(3)

  const pids = net.nodes.map((n) => net.pid(n.index))
  await net.stop()
  for (const pid of pids) assert.equal(pid !== undefined && alive(pid), false, `node process ${pid} is gone`)
  await assert.rejects(access(net.dir), 'the testnet directory is removed')
  assert.equal(await canBind('127.0.0.1', net.testnet.basePort), true, 'the ports are free again')
  await net.stop()
})
