/**
 * No Docker engine runs here, so docker-compose.yml and the Dockerfile are checked statically against
 * what the node actually reads, and the compose `init` step runs in-process into a temp directory.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { access, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import { isIPv4 } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main, type CliIo } from '../../src/cli/index.ts'
import { KEYS, OTHER_ENV, multiaddrProblem, resolveConfig } from '../../src/config/index.ts'
import { peerIdOf } from '../../src/identity/index.ts'
import { readKeyFile } from '../../src/identity/keyfile.ts'
import { missingNodeFlags, NODE_FLAGS } from '../../src/runtime/index.ts'
import { testnetKey } from '../../src/testnet/index.ts'
import {
  composeFile, hostPort, initArgs, isNamedVolume, readCompose, readDockerfile, REPO, stagesOf, volumeMounts, type Compose, type Service
} from './helpers.ts'

const VALIDATORS = ['node0', 'node1', 'node2', 'node3']
const NODES = [...VALIDATORS, 'observer']
const KNOWN_ENV = new Set<string>([...KEYS.map((k) => k.env), ...Object.keys(OTHER_ENV)])

async function tempDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-compose-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

function service (compose: Compose, name: string): Service {
  const s = compose.services[name]
  assert.ok(s !== undefined, `service ${name}`)
  return s
}

/** The environment a node process sees, with its home redirected to `home` (the same resolution the node runs). */
function envOf (s: Service, home: string): Record<string, string> {
  return { ...s.environment, ICN_HOME: home }
}

test('services: one image built from this repository; init, four validators and an observer', async () => {
  const compose = await readCompose()
  assert.deepEqual(Object.keys(compose.services).sort(), ['init', ...NODES].sort())
  for (const [name, s] of Object.entries(compose.services)) {
    assert.equal(s.image, 'icn:local', `${name}: image`)
    assert.equal(s.build, '.', `${name}: built from the repository's Dockerfile`)
  }
  for (const name of VALIDATORS) assert.deepEqual(service(compose, name).command, ['start'], name)
  assert.deepEqual(service(compose, 'observer').command, ['join'])
  const init = initArgs(compose)
  assert.deepEqual(init.slice(0, 2), ['testnet', 'prepare'])
  assert.equal(service(compose, 'init').network_mode, 'none', 'init needs no network')
  assert.deepEqual(service(compose, 'init').healthcheck, { disable: true })
})

test('dependency order: init completes before every node starts; the observer waits for node0 to be healthy', async () => {
  const compose = await readCompose()
  assert.equal(service(compose, 'init').depends_on, undefined)
  for (const name of NODES) {
    assert.deepEqual(service(compose, name).depends_on?.init, { condition: 'service_completed_successfully' }, name)
  }
  for (const name of VALIDATORS) assert.deepEqual(Object.keys(service(compose, name).depends_on ?? {}), ['init'], name)
  assert.deepEqual(service(compose, 'observer').depends_on?.node0, { condition: 'service_healthy' })
  // a start order exists (no cycle): repeatedly start what has its dependencies up
  const started: string[] = []
  while (started.length < Object.keys(compose.services).length) {
    const next = Object.entries(compose.services).find(([n, s]) => !started.includes(n) && Object.keys(s.depends_on ?? {}).every((d) => started.includes(d)))
    assert.ok(next !== undefined, `dependency cycle among ${Object.keys(compose.services).filter((n) => !started.includes(n)).join(', ')}`)
    started.push(next[0])
  }
  assert.equal(started[0], 'init')
  assert.ok(started.indexOf('observer') > started.indexOf('node0'))
})

test('ports: published host ports are unique, on loopback, map to the ports the node is told to use, and are documented', async () => {
  const compose = await readCompose()
  const text = await readFile(composeFile, 'utf8')
  const docs = await readFile(join(REPO, 'docs/docker.md'), 'utf8')
  const seen = new Map<number, string>()
  for (const name of NODES) {
    const s = service(compose, name)
    const apiPort = Number((s.environment.ICN_API ?? '').split(':').pop())
    const p2pPort = Number(/\/tcp\/(\d+)$/.exec(s.environment.ICN_LISTEN ?? '')?.[1])
    assert.equal(apiPort, 8080, `${name}: API port inside the container`)
    assert.equal(p2pPort, 4001, `${name}: libp2p port inside the container`)
    const ports = (s.ports ?? []).map(hostPort)
    assert.ok(ports.some((p) => p.container === apiPort), `${name} publishes its API`)
    for (const p of ports) {
      assert.equal(p.ip, '127.0.0.1', `${name}: ${p.host} is published on loopback only`)
      assert.ok(p.container === apiPort || p.container === p2pPort, `${name}: ${p.container} is a port the node listens on`)
      assert.equal(seen.get(p.host), undefined, `host port ${p.host} published by ${seen.get(p.host) ?? ''} and ${name}`)
      seen.set(p.host, name)
      assert.match(text, new RegExp(`${p.host} → ${name}:${p.container}`), `docker-compose.yml documents ${p.host}`)
      assert.match(docs, new RegExp(`\\b${p.host}\\b`), `docs/docker.md documents ${p.host}`)
    }
  }
  assert.deepEqual([...seen.keys()].sort(), [4001, 8080, 8081, 8082, 8083, 8084])
})

test('volumes: declared, one per node at its ICN_HOME, written by init at /testnet/<service>, the shared one read-only', async () => {
  const compose = await readCompose()
  const declared = Object.keys(compose.volumes ?? {})
  const used = new Set<string>()
  for (const [name, s] of Object.entries(compose.services)) {
    for (const m of volumeMounts(s)) {
      assert.ok(isNamedVolume(m.source), `${name}: ${m.source} is a named volume, not a host path`)
      assert.ok(declared.includes(m.source), `${name}: volume ${m.source} is declared`)
      used.add(m.source)
    }
  }
  assert.deepEqual([...used].sort(), [...declared].sort(), 'every declared volume is used')
  const init = volumeMounts(service(compose, 'init'))
  const homes = new Set<string>()
  for (const name of NODES) {
    const s = service(compose, name)
    const mounts = volumeMounts(s)
    const home = mounts.find((m) => m.target === s.environment.ICN_HOME)
    assert.ok(home !== undefined && !home.readOnly, `${name}: a writable volume at ICN_HOME`)
    assert.ok(!homes.has(home.source), `${name}: ${home.source} is its own`)
    homes.add(home.source)
    assert.equal(init.find((m) => m.source === home.source)?.target, `/testnet/${name}`, `init writes ${name}'s home into ${home.source}`)
    const shared = mounts.find((m) => m.target === '/shared')
    assert.ok(shared?.readOnly === true && init.find((m) => m.source === shared.source)?.target === '/testnet/shared', `${name}: the shared volume, read-only`)
  }
})

test('network: a bridge with a subnet; static addresses unique, inside it, not the network, gateway or broadcast address', async () => {
  const compose = await readCompose()
  const subnet = compose.networks?.icn?.ipam?.config?.[0]?.subnet ?? ''
  assert.equal(compose.networks?.icn?.driver, 'bridge')
  const [base = '', bits = ''] = subnet.split('/')
  assert.ok(isIPv4(base) && Number(bits) >= 8 && Number(bits) <= 30, `subnet ${subnet}`)
  const toInt = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0)
  const size = 2 ** (32 - Number(bits))
  const first = toInt(base)
  const addresses = new Set<string>()
  for (const name of NODES) {
    const ip = service(compose, name).networks?.icn?.ipv4_address ?? ''
    assert.ok(isIPv4(ip), `${name}: ${ip}`)
    const offset = toInt(ip) - first
    assert.ok(offset > 1 && offset < size - 1, `${name}: ${ip} inside ${subnet}, not .0, the gateway .1 or broadcast`)
    assert.ok(!addresses.has(ip), `${name}: ${ip} unique`)
    addresses.add(ip)
  }
})

test('environment: every ICN_* variable is one the node reads, and each node\'s environment resolves without a warning', async (t) => {
  const compose = await readCompose()
  const { env: imageEnv } = await readDockerfile()
  const home = await tempDir(t)
  for (const name of Object.keys(imageEnv).filter((n) => n.startsWith('ICN_'))) assert.ok(KNOWN_ENV.has(name), `Dockerfile ENV ${name}`)
  for (const name of NODES) {
    const s = service(compose, name)
    for (const variable of Object.keys(s.environment)) assert.ok(KNOWN_ENV.has(variable), `${name}: ${variable} is read by the node`)
    assert.equal(s.environment.ICN_ANNOUNCE, `/dns4/${name}/tcp/4001`, `${name} announces its service name`)
    const resolved = await resolveConfig({ env: { ...imageEnv, ...envOf(s, home) }, cwd: home })
    assert.deepEqual(resolved.warnings, [], name)
    assert.equal(resolved.config.api?.host, '0.0.0.0', `${name}: API reachable from outside the container`)
  }
})

test('the observer joins with the genesis and a bootstrap address of node0 that the node\'s own validator accepts', async () => {
  const compose = await readCompose()
  const observer = service(compose, 'observer')
  assert.equal(observer.environment.ICN_GENESIS, '/shared/genesis.json')
  const bootstrap = (observer.environment.ICN_BOOTSTRAP ?? '').split(',')
  assert.equal(bootstrap.length, 1)
  const addr = bootstrap[0] ?? ''
  assert.equal(multiaddrProblem(addr, true), undefined)
  const m = /^\/dns4\/([a-z0-9-]+)\/tcp\/(\d+)\/p2p\/(\w+)$/.exec(addr)
  assert.ok(m !== null, addr)
  assert.equal(m[1], 'node0')
  assert.ok(service(compose, 'node0').networks?.icn !== undefined && observer.networks?.icn !== undefined, 'on one network, so the name resolves')
  assert.equal(m[2], /\/tcp\/(\d+)$/.exec(service(compose, 'node0').environment.ICN_LISTEN ?? '')?.[1])
  // init derives the keys from its --seed: node0 is validator key 0 of that seed
  const args = initArgs(compose)
  const seed = args[args.indexOf('--seed') + 1] ?? ''
  assert.equal(m[3], (await peerIdOf(testnetKey(seed, 'validator', 0))).toString())
})

test('Dockerfile: multi-stage, non-root, healthcheck on /status, ports 4001 and 8080, bin/icn.js, COPY sources exist and are not ignored', async () => {
  const df = await readDockerfile()
  const stages = stagesOf(df.instructions)
  assert.ok(stages.length >= 2, 'multi-stage')
  const runtime = stages[stages.length - 1] ?? []
  const from = df.instructions.filter((i) => i.op === 'COPY' && i.args.startsWith('--from='))
  assert.ok(from.length > 0 && from.every((i) => stages.slice(0, -1).some((s) => s[0]?.args.endsWith(` AS ${/--from=(\S+)/.exec(i.args)?.[1] ?? ''}`))), 'the runtime copies from an earlier stage')
  const user = runtime.filter((i) => i.op === 'USER').pop()?.args
  assert.ok(user !== undefined && !['root', '0', '0:0'].includes(user), `runtime USER ${user ?? '(none: root)'}`)
  const health = runtime.find((i) => i.op === 'HEALTHCHECK')?.args ?? ''
  assert.match(health, /\/status/)
  const exposed = runtime.filter((i) => i.op === 'EXPOSE').flatMap((i) => i.args.split(/\s+/))
  assert.ok(exposed.includes('4001') && exposed.includes('8080'), `EXPOSE ${exposed.join(' ')}`)
  const entrypoint = JSON.parse(runtime.find((i) => i.op === 'ENTRYPOINT')?.args ?? '[]') as string[]
  assert.deepEqual(entrypoint, ['node', 'bin/icn.js'])
  await access(join(REPO, 'bin/icn.js'))

  const ignored = (await readFile(join(REPO, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
  const sources = df.instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from=')).flatMap((i) => i.args.split(/\s+/).slice(0, -1))
  assert.ok(sources.length > 0)
  for (const source of sources) {
    await access(join(REPO, source)).catch(() => assert.fail(`COPY ${source}: not in the repository`))
    assert.ok(!ignored.some((p) => p === source || source.startsWith(`${p}/`)), `COPY ${source} is excluded by .dockerignore`)
  }
  // what the runtime loads at start is in the image: package.json (imported), the package genesis
  for (const needed of ['package.json', 'config/genesis.json', 'src/cli/main.ts']) {
    assert.ok(sources.some((s) => needed === s || needed.startsWith(`${s}/`)), `${needed} is copied`)
  }
})

test('the healthcheck command passes when GET /status answers 200 on ICN_API\'s port, and fails otherwise', async (t) => {
  const df = await readDockerfile()
  const health = stagesOf(df.instructions).pop()?.find((i) => i.op === 'HEALTHCHECK')?.args ?? ''
  const argv = JSON.parse(health.slice(health.indexOf('CMD') + 3).trim()) as string[]
  assert.equal(argv[0], 'node')
  let answer = 200
  const paths: string[] = []
  const server = createServer((req, res) => { paths.push(req.url ?? ''); res.writeHead(answer).end('{}') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => { server.close() })
  const port = (server.address() as { port: number }).port
  const check = async (api: string): Promise<number | null> => new Promise((resolve) => {
    const child = spawn(process.execPath, argv.slice(1), { env: { ...process.env, ICN_API: api }, stdio: 'ignore' })
    child.on('close', (code) => { resolve(code) })
  })
  assert.equal(await check(`0.0.0.0:${port}`), 0)
  assert.equal(await check(`127.0.0.1:${port}`), 0)
  assert.deepEqual(paths, ['/status', '/status'])
  answer = 503
  assert.equal(await check(`0.0.0.0:${port}`), 1)
  server.close()
  assert.equal(await check(`0.0.0.0:${port}`), 1, 'nothing listening')
})

/** `node` with `args` in the repository; resolves with its exit code and output. */
async function runNode (args: string[], env: Record<string, string>): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (x: string) => { stdout += x })
    child.stderr.setEncoding('utf8').on('data', (x: string) => { stderr += x })
    child.on('close', (code) => { resolve({ code, stdout, stderr }) })
  })
}

test('Dockerfile: the runtime user fills NODE_COMPILE_CACHE under the runtime flags, and a process that then loads the same modules needs no TypeScript stripping', async (t) => {
  const df = await readDockerfile()
  const runtime = stagesOf(df.instructions).pop() ?? []
  const cacheDir = df.env.NODE_COMPILE_CACHE
  assert.ok(cacheDir !== undefined && cacheDir.startsWith('/'), 'NODE_COMPILE_CACHE is an absolute directory')
  const user = runtime.filter((i) => i.op === 'USER').pop()?.args ?? ''
  const userAt = runtime.findIndex((i) => i.op === 'USER')
  const owned = runtime.slice(0, userAt).some((i) => i.op === 'RUN' && i.args.includes(`mkdir -p`) && i.args.includes(cacheDir) && new RegExp(`chown ${user}:${user} .*${cacheDir}`).test(i.args))
  assert.ok(owned, `${cacheDir} is created and given to ${user} before USER ${user}`)
  const warm = runtime.slice(userAt + 1).find((i) => i.op === 'RUN' && i.args.includes(' -e '))
  assert.ok(warm !== undefined, 'a RUN step after USER fills the cache')
  const m = /^node ((?:--\S+ )+)-e "([^"]+)"$/.exec(warm.args)
  assert.ok(m !== null, warm.args)
  const flags = (m[1] ?? '').trim().split(' ')
  const script = m[2] ?? ''
  // cache entries are only used under the V8 flags they were made with: those bin/icn.js runs a node with
  assert.deepEqual(missingNodeFlags(flags), [], `the warm step runs with ${NODE_FLAGS.join(' ')}`)
  const imported = [...script.matchAll(/import\('\.\/([^']+)'\)/g)].map((x) => x[1] ?? '')
  assert.ok(imported.includes('src/cli/main.ts') && imported.includes('src/node/node.ts'), `imports the CLI and the node: ${imported.join(', ')}`)

  const dir = await tempDir(t)
  const first = await runNode([...flags, '-e', script], { NODE_COMPILE_CACHE: dir })
  assert.equal(first.code, 0, first.stderr)
  const stripper = "; console.log(process.moduleLoadList.filter((m) => m.includes('amaro')).length)"
  const second = await runNode([...flags, '-e', script + stripper], { NODE_COMPILE_CACHE: dir })
  assert.equal(second.code, 0, second.stderr)
  assert.equal(second.stdout.trim(), '0', 'with the cache filled, Node never loads its TypeScript stripper (amaro)')
})

test('the init step (icn testnet prepare, as init runs it) writes valid homes into a temp dir, and a re-run keeps them', async (t) => {
  const compose = await readCompose()
  const dir = await tempDir(t)
  const args = initArgs(compose)
  // the same command line, with the volumes' parent directory and owner of this machine
  const local = args.map((a, i) => args[i - 1] === '--dir' ? dir : args[i - 1] === '--chown' ? `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}` : a)
  const run = async (): Promise<{ code: number, stdout: string, stderr: string }> => {
    let stdout = ''
    let stderr = ''
    const io: CliIo = { stdout: { write: (s: string) => { stdout += s } }, stderr: { write: (s: string) => { stderr += s } }, env: {}, cwd: dir }
    return { code: await main(local, io), stdout, stderr }
  }
  const first = await run()
  assert.equal(first.code, 0, first.stderr)
  const mounts = volumeMounts(service(compose, 'init')).map((m) => m.target.replace('/testnet', dir))
  assert.deepEqual((await readdir(dir)).sort(), mounts.map((m) => m.slice(dir.length + 1)).sort(), 'init writes only into its volumes')

  const shared = join(dir, 'shared')
  const genesis = await readFile(join(shared, 'genesis.json'))
  const peerIds = new Map<string, string>()
  for (const name of NODES) {
    const key = await readKeyFile(join(dir, name, 'node.key'))
    assert.equal((await stat(join(dir, name, 'node.key'))).mode & 0o777, 0o600, `${name}: key mode`)
    peerIds.set(name, (await peerIdOf(key)).toString())
  }
  for (const name of VALIDATORS) {
    const home = join(dir, name)
    assert.deepEqual(await readFile(join(home, 'genesis.json')), genesis, `${name}: the shared genesis, byte for byte`)
    const { config, warnings } = await resolveConfig({ env: envOf(service(compose, name), home), cwd: home })
    assert.deepEqual(warnings, [])
    assert.equal(config.genesis, join(home, 'genesis.json'))
    const others = VALIDATORS.filter((n) => n !== name)
    assert.deepEqual([...config.bootstrap].sort(), others.map((n) => `/dns4/${n}/tcp/4001/p2p/${peerIds.get(n) ?? ''}`).sort(), `${name} dials every other validator by service name`)
    for (const addr of config.bootstrap) assert.equal(multiaddrProblem(addr, true), undefined)
  }
  assert.deepEqual(await readdir(join(dir, 'observer')), ['node.key'], 'the observer starts with a key only: it joins')
  const observerBootstrap = service(compose, 'observer').environment.ICN_BOOTSTRAP ?? ''
  assert.equal(observerBootstrap, `/dns4/node0/tcp/4001/p2p/${peerIds.get('node0') ?? ''}`, 'the compose file names the node0 init wrote')
  for (const file of await readdir(join(shared, 'keys'))) {
    assert.equal((await stat(join(shared, 'keys', file)).then((s) => s.mode)) & 0o777, 0o600, `member key ${file}`)
  }

  const again = await run()
  assert.equal(again.code, 0, again.stderr)
  assert.match(again.stdout, /kept the existing testnet/)
  assert.deepEqual(await readFile(join(shared, 'genesis.json')), genesis, 'same network')
  assert.equal((await peerIdOf(await readKeyFile(join(dir, 'node0', 'node.key')))).toString(), peerIds.get('node0'))
})

test('the init step refuses volumes holding a node without a testnet manifest (exit 2), writing nothing', async (t) => {
  const compose = await readCompose()
  const dir = await tempDir(t)
  const args = initArgs(compose).map((a, i, all) => all[i - 1] === '--dir' ? dir : a).filter((a, i, all) => a !== '--chown' && all[i - 1] !== '--chown')
  const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: dir }
  assert.equal(await main(['keys', 'generate', '--out', join(dir, 'node2', 'node.key')], io), 0)
  let stderr = ''
  const code = await main(args, { ...io, stderr: { write: (s: string) => { stderr += s } } })
  assert.equal(code, 2, stderr)
  assert.match(stderr, /node2 already holds a node.*docker compose down -v/)
  assert.deepEqual((await readdir(dir)).sort(), ['node2'])
})
