import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { main, type CliIo } from '../../src/cli/index.ts'
import { resolveConfig } from '../../src/config/index.ts'
import { writeKeyFile } from '../../src/identity/keyfile.ts'
import { toJson } from '../../src/chain/index.ts'
import { signVote, VoteType } from '../../src/consensus/messages.ts'
import { silentLogger } from '../../src/log/index.ts'
import { createNode, type Node } from '../../src/node/index.ts'
import { waitFor } from '../helpers/wait.ts'
import { alice, bob, carol, genesisJson, nextBlock, stranger, tempDir, V } from '../chain/helpers.ts'

interface Run { code: number, stdout: string, stderr: string }

async function icn (args: string[], dir: string, env: Record<string, string> = {}): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = { stdout: { write: (s: string) => { stdout += s } }, stderr: { write: (s: string) => { stderr += s } }, env, cwd: dir }
  const code = await main(args, io)
  return { code, stdout, stderr }
}

function field (output: string, label: string): string | undefined {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(`${label}:`))
  return line?.slice(line.indexOf(':') + 1).trim()
}

interface Setup { node: Node, api: string, dir: string }

/** An in-process node (memory store, API on a free port) whose genesis funds alice, and key files. */
async function setup (t: { after: (fn: () => Promise<void>) => void }): Promise<Setup> {
  const dir = await tempDir(t, 'icn-cli-tx-')
  const genesis = join(dir, 'genesis.json')
  // genesis a few minutes ago: transactions stamped with this machine's clock fit in the first block
  await writeFile(genesis, JSON.stringify(genesisJson({ initialTime: Date.now() - 10 * 60_000 })))
  for (const [name, key] of [['alice', alice], ['stranger', stranger]] as const) await writeKeyFile(join(dir, `${name}.key`), key)
  const { config } = await resolveConfig({ env: {}, defaultHome: join(dir, 'home'), overrides: { listen: ['/ip4/127.0.0.1/tcp/0'], api: '127.0.0.1:0', genesis } })
  const node = await createNode(config, { keyPair: V[0], store: { memory: true }, logger: silentLogger(), metrics: { defaultMetrics: false } })
  t.after(async () => { await node.stop() })
  await node.start()
  const api = node.api?.url
  assert.ok(api !== undefined)
  return { node, api, dir }
}

/** Commits the next block from the node's mempool, stamped with this machine's clock. */
async function commitFromMempool (node: Node): Promise<void> {
  const { chain } = node.ledger
  const next = nextBlock(chain.ledger, chain.headCommit, node.ledger.candidates(), { gap: Math.max(1, Date.now() - chain.head.timestamp) })
  await node.ledger.commitBlock(next.block, next.commit, next.executed)
}

test('icn tx transfer submits a signed transaction: 202, then GET /tx/:id is pending; status, account and block queries', async (t) => {
  const { node, api, dir } = await setup(t)
  const run = await icn(['tx', 'transfer', '--key', 'alice.key', '--to', bob.did, '--amount', '25', '--api', api], dir)
  assert.equal(run.code, 0, run.stderr)
  const id = field(run.stdout, 'id')
  assert.ok(id !== undefined && id.startsWith('bafy'), run.stdout)
  assert.equal(field(run.stdout, 'nonce'), '0')
  assert.equal(field(run.stdout, 'status'), 'pending')
  const status = await (await fetch(`${api}/tx/${id}`)).json() as { status: string }
  assert.equal(status.status, 'pending')

  // the API URL from the environment; the nonce counts the pending transaction
  const second = await icn(['tx', 'record-contribution', '--key', 'alice.key', '--description', 'fixed the oven', '--impact-story', 'bread again',
    '--context', 'bakery', '--tag', 'repair', '--tag', 'food', '--json'], dir, { ICN_API_URL: api })
  assert.equal(second.code, 0, second.stderr)
  const json = JSON.parse(second.stdout) as { id: string, nonce: number, status: string, type: string }
  assert.deepEqual([json.nonce, json.status, json.type], [1, 'pending', 'record_contribution'])
  assert.equal(node.ledger.mempool.size, 2)

  const nodeStatus = await icn(['status', '--api', api], dir)
  assert.equal(nodeStatus.code, 0, nodeStatus.stderr)
  const s = JSON.parse(nodeStatus.stdout) as { height: number, finalizedHeight: number, headCid: string, mempool: { size: number } }
  assert.equal(s.height, 0)
  assert.equal(s.finalizedHeight, 0)
  assert.equal(s.headCid, node.ledger.chain.headCid.toString())
  assert.equal(s.mempool.size, 2)

  await commitFromMempool(node)
  const block = JSON.parse((await icn(['block', 'latest', '--api', api], dir)).stdout) as { height: number, txs: Array<{ id: string }> }
  assert.equal(block.height, 1)
  assert.deepEqual(block.txs.map((x) => x.id), [id, json.id])
  const account = JSON.parse((await icn(['account', bob.did, '--api', api], dir)).stdout) as { balance: number }
  assert.equal(account.balance, 525)
  const final = JSON.parse((await icn(['tx', 'status', id, '--api', api], dir)).stdout) as { status: string, height: number }
  assert.deepEqual([final.status, final.height], ['final', 1])
})

test('--wait polls until the transaction is final and prints its height and receipt', async (t) => {
  const { node, api, dir } = await setup(t)
  const running = icn(['tx', 'register-member', '--key', 'alice.key', '--did', stranger.did, '--name', 'dana', '--link', 'https://example.org',
    '--wait', '--api', api], dir)
  await waitFor(() => node.ledger.mempool.size === 1, { what: 'the transaction to reach the mempool' })
  await commitFromMempool(node)
  const run = await running
  assert.equal(run.code, 0, run.stderr)
  assert.equal(field(run.stdout, 'status'), 'final')
  assert.equal(field(run.stdout, 'height'), '1')
  assert.equal(field(run.stdout, 'ok'), 'true')
  assert.deepEqual(node.ledger.member(stranger.did)?.profile, { name: 'dana', links: ['https://example.org'] })
})

test('a transaction that fails in its block makes --wait exit 1 with the receipt\'s code', async (t) => {
  const { node, api, dir } = await setup(t)
  // carol is a member but has no relationship with alice: the endorsement is included, charged, and fails
  const running = icn(['tx', 'add-endorsement', '--key', 'alice.key', '--to', carol.did, '--content', 'great baker', '--context', 'bakery',
    '--skill', 'baking', '--wait', '--api', api], dir)
  await waitFor(() => node.ledger.mempool.size === 1, { what: 'the transaction to reach the mempool' })
  await commitFromMempool(node)
  const run = await running
  assert.equal(run.code, 1)
  assert.equal(field(run.stdout, 'code'), 'NO_RELATIONSHIP')
  assert.match(run.stderr, /failed in block 1: NO_RELATIONSHIP/)
})

test('bad flags exit 2 naming the flag; nothing is submitted', async (t) => {
  const { node, api, dir } = await setup(t)
  const cases: Array<[string[], RegExp]> = [
    [['tx', 'transfer', '--key', 'alice.key', '--to', bob.did, '--amount', 'lots'], /--amount/],
    [['tx', 'transfer', '--key', 'alice.key', '--amount', '5'], /--to/],
    [['tx', 'transfer', '--key', 'alice.key', '--to', 'did:key:nobody', '--amount', '5'], /--to/],
    [['tx', 'transfer', '--key', 'alice.key', '--to', bob.did, '--amount', '0'], /--amount/],
    [['tx', 'transfer', '--key', 'alice.key', '--to', bob.did, '--amount', '5', '--bogus'], /--bogus/],
    [['tx', 'transfer', '--key', 'alice.key', '--to', bob.did, '--amount', '5', '--priority', '9'], /--priority/],
    [['tx', 'record-contribution', '--key', 'alice.key', '--description', 'd', '--impact-story', 'i', '--context', 'c'], /--tag/],
    [['tx', 'attest', '--key', 'alice.key', '--subject', bob.did, '--category', 'charisma', '--score', '1'], /--category/],
    [['tx', 'validator-candidacy', '--key', 'alice.key', '--active', 'maybe'], /--active/],
    [['tx', 'register-member', '--key', 'alice.key', '--did', stranger.did, '--profile', '{oops'], /--profile/],
    [['tx', 'transfer', '--key', 'missing.key', '--to', bob.did, '--amount', '5'], /missing\.key/],
    [['tx', 'transfer', '--key', 'alice.key', '--to', bob.did, '--amount', '5', '--api', 'not a url'], /--api/]
  ]
  for (const [args, pattern] of cases) {
    const run = await icn([...args, ...(args.includes('--api') ? [] : ['--api', api])], dir)
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`)
    assert.match(run.stderr, pattern, args.join(' '))
  }
  assert.equal(node.ledger.mempool.size, 0)
})

test('a refusal by the node exits 1 and prints its code and message', async (t) => {
  const { api, dir } = await setup(t)
  const unknown = await icn(['tx', 'transfer', '--key', 'stranger.key', '--to', bob.did, '--amount', '5', '--api', api], dir)
  assert.equal(unknown.code, 1)
  assert.match(unknown.stderr, /UNKNOWN_SENDER \(HTTP 422\): from: did:key:\S+ has no account/)

  const first = await icn(['tx', 'transfer', '--key', 'alice.key', '--to', bob.did, '--amount', '5', '--nonce', '0', '--api', api], dir)
  assert.equal(first.code, 0, first.stderr)
  const again = await icn(['tx', 'transfer', '--key', 'alice.key', '--to', bob.did, '--amount', '6', '--nonce', '0', '--api', api], dir)
  assert.equal(again.code, 1)
  assert.match(again.stderr, /REPLACEMENT_UNDERPRICED \(HTTP 409\)/)

  const missing = await icn(['member', stranger.did, '--api', api], dir)
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /NOT_FOUND \(HTTP 404\)/)
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise((resolve) => closed.close(resolve))
  const down = await icn(['status', '--api', `http://127.0.0.1:${port}`], dir)
  assert.equal(down.code, 1)
  assert.match(down.stderr, /cannot reach the node API/)
})

test('icn tx evidence reads two conflicting votes from JSON files', async (t) => {
  const { node, api, dir } = await setup(t)
  const network = node.ledger.chain.head.network
  const [a, b] = [node.ledger.chain.headCid, null].map((block) => signVote(V[1], {
    network, shard: 0, height: 0, round: 0, type: VoteType.Prevote, block, validator: V[1].did
  }))
  await writeFile(join(dir, 'a.json'), JSON.stringify(toJson(a)))
  await writeFile(join(dir, 'b.json'), JSON.stringify(toJson(b)))
  const run = await icn(['tx', 'evidence', '--key', 'alice.key', '--vote-a', 'a.json', '--vote-b', 'b.json', '--api', api], dir)
  assert.equal(run.code, 0, run.stderr)
  assert.equal(node.ledger.mempool.size, 1)
  const bad = await icn(['tx', 'evidence', '--key', 'alice.key', '--vote-a', 'a.json', '--vote-b', 'nope.json', '--api', api], dir)
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /--vote-b/)
})
