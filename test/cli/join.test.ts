import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main, type CliIo } from '../../src/cli/index.ts'
import { readKeyFile } from '../../src/identity/keyfile.ts'
import { parseCid } from '../../src/codec/index.ts'
import { createTestnetGenesis } from '../../src/testnet/index.ts'
import { startCluster, type Cluster } from '../e2e/cluster.ts'
import { waitFor } from '../helpers/wait.ts'
import { field, runCli, spawnCli, type RunningCli } from './helpers.ts'

/** Settings for a node whose peers all share 127.0.0.1 (no flags for these: environment only). */
const LOOPBACK_ENV = { ICN_INBOUND_CONNECTION_THRESHOLD: '1000', ICN_GOSSIP_IP_COLOCATION_WEIGHT: '0', ICN_DISCOVERY_INTERVAL_MS: '1000' }
const LOCAL = ['--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--log-level', 'warn']

interface Status { networkId: string, did: string, height: number | null, headCid: string | null, verifiedPeers: number, validator: boolean }

async function tempDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-join-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

async function fourValidators (): Promise<Cluster> {
  const cluster = await startCluster({ validators: 4 })
  try {
    for (let i = 0; i < 4; i++) await cluster.start(i)
    await cluster.waitForHeight(2)
  } catch (err) {
    await cluster.close()
    throw err
  }
  return cluster
}

/** One federation for the tests that only read it (a cluster takes a while to get going). */
let shared: Promise<Cluster> | undefined
after(async () => { await (await shared)?.close() })
async function sharedCluster (): Promise<Cluster> {
  shared ??= fourValidators()
  return shared
}

/** Node 0's address with its host written as a DNS name, the form docker-compose.yml uses. */
function dnsAddr (cluster: Cluster): string {
  const addr = cluster.node(0).host.multiaddrs()[0] ?? ''
  assert.match(addr, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
  return addr.replace('/ip4/127.0.0.1/', '/dns4/localhost/')
}

async function apiOf (cli: RunningCli): Promise<string> {
  return waitFor(() => field(cli.stdout(), 'api') ?? (cli.child.exitCode !== null ? Promise.reject(new Error(`exited: ${cli.stderr()}`)) : undefined), { what: 'the API URL', timeout: 30_000 })
}

async function status (api: string): Promise<Status> {
  return await (await fetch(`${api}/status`)).json() as Status
}

async function stopped (cli: RunningCli): Promise<void> {
  cli.child.kill('SIGTERM')
  const exit = await cli.exited
  assert.equal(exit.code, 0, exit.stderr)
  assert.match(exit.stdout, /icn node stopped/)
}

test('join with only a genesis and a bootstrap address (as /dns4) syncs to the head, follows, exits 0 on SIGTERM', async (t) => {
  const cluster = await sharedCluster()
  const dir = await tempDir(t)
  const home = join(dir, 'new-home')
  const bootstrap = dnsAddr(cluster)
  const cli = spawnCli(['join', '--genesis', cluster.genesisPath, '--bootstrap', bootstrap, '--home', home, ...LOCAL], { env: LOOPBACK_ENV })
  t.after(() => { cli.child.kill('SIGKILL') })
  const api = await apiOf(cli)

  // the home holds a fresh key, the genesis byte for byte, and a config.json naming the bootstrap peer
  const key = await readKeyFile(join(home, 'node.key'))
  assert.equal(field(cli.stdout(), 'did'), key.did)
  assert.equal((await stat(join(home, 'node.key'))).mode & 0o777, 0o600)
  assert.deepEqual(await readFile(join(home, 'genesis.json')), await readFile(cluster.genesisPath))
  const config = JSON.parse(await readFile(join(home, 'config.json'), 'utf8')) as { bootstrap: string[] }
  assert.deepEqual(config.bootstrap, [bootstrap])
  assert.match(cli.stdout(), new RegExp(`icn tx validator-candidacy --key ${join(home, 'node.key')} --active true`))

  const validators = cluster.node(0)
  const head = validators.status().height ?? 0
  const caughtUp = await waitFor(async () => {
    const s = await status(api)
    return s.verifiedPeers > 0 && (s.height ?? 0) >= head ? s : undefined
  }, { timeout: 60_000, what: `the joiner to reach height ${head}` })
  assert.equal(caughtUp.networkId, validators.networkId.toString())
  assert.equal(caughtUp.validator, false)
  // the same chain, not merely the same height
  const stored = await validators.ledger.block(head)
  const mine = await (await fetch(`${api}/blocks/${head}`)).json() as { cid: string }
  assert.equal(mine.cid, stored?.cid.toString())

  // it keeps following: the validators' next blocks reach it
  const later = (caughtUp.height ?? 0) + 2
  await waitFor(async () => ((await status(api)).height ?? 0) >= later, { timeout: 60_000, what: `the joiner to follow to height ${later}` })
  await waitFor(() => /caught up at height \d+; following the chain/.test(cli.stdout()), { what: 'the caught-up line' })
  await stopped(cli)
})

test('an operator\'s own key, registered and made a validator through transactions, votes after icn join', async (t) => {
  // its own federation: this test changes the validator set
  const cluster = await fourValidators()
  t.after(async () => { await cluster.close() })
  const dir = await tempDir(t)
  const home = join(dir, 'validator-home')
  // the operator makes the key first (its DID is what members register), then joins with it
  const generated = await runCli(['keys', 'generate', '--out', join(home, 'node.key')])
  assert.equal(generated.code, 0, generated.stderr)
  const key = await readKeyFile(join(home, 'node.key'))

  const cli = spawnCli(['join', '--genesis', cluster.genesisPath, '--bootstrap', dnsAddr(cluster), '--home', home, ...LOCAL], { env: LOOPBACK_ENV })
  t.after(() => { cli.child.kill('SIGKILL') })
  const api = await apiOf(cli)
  assert.equal(field(cli.stdout(), 'did'), key.did, 'join keeps the key that was there')

  // docs/join.md: a member registers the DID, members attest to it (≥ 100 points), it declares candidacy
  const node0 = cluster.node(0)
  const sponsor = cluster.validatorKeys[0]!
  const ids = [await cluster.submit(node0, sponsor, 'register_member', { did: key.did, profile: { name: 'joiner' } })]
  for (const category of ['development', 'innovation', 'budget_management', 'conflict_resolution', 'cooperative_growth', 'sustainability'] as const) {
    ids.push(await cluster.submit(node0, sponsor, 'attest', { subject: key.did, category, score: 10 }))
  }
  const final = async (id: (typeof ids)[number]): Promise<void> => {
    const s = await waitFor(async () => {
      const r = await node0.ledger.txStatus(id)
      return r.status === 'final' ? r : undefined
    }, { timeout: 60_000, what: `transaction ${id.toString()} to be final` })
    assert.equal(s.receipt.ok, true, `${id.toString()}: ${s.receipt.code ?? ''}`)
  }
  for (const id of ids) await final(id)
  const candidacy = await cluster.submit(node0, key, 'validator_candidacy', { active: true })
  await final(candidacy)
  const declared = await node0.ledger.txStatus(candidacy)
  const from = declared.status === 'final' ? declared.height : 0

  await waitFor(async () => (await status(api)).validator, { timeout: 60_000, what: 'the joiner to enter the validator set' })
  await waitFor(() => /in the validator set from height \d+: voting/.test(cli.stdout()), { what: 'the validator line' })
  // it votes: its precommit is in a commit certificate (or it proposed a block)
  await waitFor(async () => {
    const height = node0.status().height ?? 0
    for (let h = from + 1; h <= height; h++) {
      const block = await node0.ledger.block(h)
      if (block?.block.header.proposer === key.did || block?.commit?.signatures.some((s) => s.validator === key.did) === true) return true
    }
    return false
  }, { timeout: 90_000, interval: 500, what: 'a commit signed by the joiner' })
  await stopped(cli)
})

test('join with another network\'s genesis: refused at the handshake, exit 2 naming the genesis, the new home removed', async (t) => {
  const cluster = await sharedCluster()
  const dir = await tempDir(t)
  const other = join(dir, 'other-genesis.json')
  await writeFile(other, JSON.stringify(createTestnetGenesis({ validators: 1, networkName: 'elsewhere' }).genesis))
  const home = join(dir, 'wrong-home')
  const result = await runCli(['join', '--genesis', other, '--bootstrap', dnsAddr(cluster), '--home', home, ...LOCAL], { env: LOOPBACK_ENV })
  assert.equal(result.code, 2, result.stderr)
  assert.match(result.stderr, /refused this node at the handshake \(NETWORK_MISMATCH/)
  assert.match(result.stderr, /invalid configuration: genesis \(flag --genesis\)/)
  await assert.rejects(access(home), 'the home this run created is gone, so a retry with the right genesis starts clean')
  // the federation is unaffected
  const before = cluster.node(0).status().height ?? 0
  await cluster.waitForHeight(before + 1)
})

test('a home of one network cannot join another; bad flags exit 2 naming them; nothing is written', async (t) => {
  const dir = await tempDir(t)
  const peer = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWPdKYwJs1U2VLKwrWcTEK3z2xj4vzaxpZ9GTiX3eV3kCF'
  const genesisA = join(dir, 'a.json')
  const genesisB = join(dir, 'b.json')
  await writeFile(genesisA, JSON.stringify(createTestnetGenesis({ validators: 1, networkName: 'net-a' }).genesis))
  await writeFile(genesisB, JSON.stringify(createTestnetGenesis({ validators: 1, networkName: 'net-b' }).genesis))

  const run = async (args: string[]): Promise<{ code: number, stderr: string }> => {
    let stderr = ''
    const io: CliIo = { stdout: { write: () => true }, stderr: { write: (s: string) => { stderr += s } }, env: {}, cwd: dir }
    return { code: await main(['join', ...args], io), stderr }
  }
  const home = join(dir, 'home')
  const cases: Array<[string[], RegExp]> = [
    [['--home', home], /--genesis.*--bootstrap/],
    [['--home', home, '--bootstrap', peer], /--genesis/],
    [['--home', home, '--genesis', genesisA], /--bootstrap/],
    [['--home', home, '--genesis', genesisA, '--bootstrap', '/ip4/127.0.0.1/tcp/4001'], /bootstrap\.0 \(flag --bootstrap\).*\/p2p\//],
    [['--home', home, '--genesis', join(dir, 'missing.json'), '--bootstrap', peer], /missing\.json/],
    [['--home', home, '--genesis', genesisA, '--bootstrap', peer, '--api', 'everywhere'], /api \(flag --api\)/],
    [['--home', home, '--genesis', genesisA, '--bootstrap', peer, '--log-level', 'loud'], /logLevel \(flag --log-level\)/],
    [['--home', home, '--genesis', genesisA, '--bootstrap', peer, '--no-such-flag'], /--no-such-flag/]
  ]
  for (const [args, message] of cases) {
    const result = await run(args)
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`)
    assert.match(result.stderr, message, args.join(' '))
    await assert.rejects(access(home), `${args.join(' ')} wrote nothing`)
  }

  const init = await runCli(['init', '--home', home, '--genesis', genesisA])
  assert.equal(init.code, 0, init.stderr)
  const config = await readFile(join(home, 'config.json'))
  const wrong = await run(['--home', home, '--genesis', genesisB, '--bootstrap', peer])
  assert.equal(wrong.code, 2, wrong.stderr)
  const named = /already belongs to network (\S+), but .* is network (\S+);/.exec(wrong.stderr)
  assert.ok(named !== null, wrong.stderr)
  assert.notEqual(parseCid(named[1] ?? ''), undefined)
  assert.notEqual(named[1], named[2])
  assert.deepEqual(await readFile(join(home, 'config.json')), config, 'the home is left as it was')
})
