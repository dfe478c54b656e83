import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resolveConfig, ConfigError, describeKey, starterConfig, KEYS, type ConfigErrorCode, type ResolveOptions } from '../../src/config/index.ts'

const PEER = '12D3KooWGzBxmnm2MbwCrXmF5XGW6Am3DX8a7y8zvN1KEXRZVmYC'
const BOOT = `/ip4/10.0.0.1/tcp/4001/p2p/${PEER}`

async function tempHome (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icn-config-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** Asserts resolution fails with `code`, naming `key`, from a source of `kind` (and name). */
async function refused (opts: ResolveOptions, code: ConfigErrorCode, key: string, kind: string, name?: string): Promise<ConfigError> {
  let caught: unknown
  try {
    await resolveConfig(opts)
  } catch (err) {
    caught = err
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`)
  assert.equal(caught.code, code)
  assert.equal(caught.key, key)
  assert.equal(caught.source.kind, kind)
  if (name !== undefined) assert.equal(caught.source.name, name)
  assert.ok(caught.message.includes(key), 'the message names the key')
  return caught
}

test('defaults: home-relative genesis, API on 127.0.0.1:8080, 50 connections', async (t) => {
  const home = await tempHome(t)
  const { config, sources, configFile } = await resolveConfig({ env: {}, defaultHome: home })
  assert.equal(config.home, home)
  assert.equal(config.genesis, join(home, 'genesis.json'))
  assert.deepEqual(config.listen, ['/ip4/0.0.0.0/tcp/4001'])
  assert.deepEqual(config.api, { host: '127.0.0.1', port: 8080 })
  assert.equal(config.network.maxConnections, 50)
  assert.equal(config.logLevel, 'info')
  assert.equal(configFile, null)
  assert.equal(sources.api?.kind, 'default')
})

test('precedence: defaults < file < environment < flags, each key from its highest source', async (t) => {
  const home = await tempHome(t)
  await writeFile(join(home, 'config.json'), JSON.stringify({
    api: '127.0.0.1:9000', logLevel: 'debug', listen: ['/ip4/127.0.0.1/tcp/5000'], network: { maxConnections: 7, gossip: { ipColocationFactorWeight: 0 } }
  }))
  const { config, sources, configFile } = await resolveConfig({
    env: { ICN_HOME: home, ICN_LOG_LEVEL: 'warn', ICN_LISTEN: '/ip4/127.0.0.1/tcp/6000, /ip4/127.0.0.1/tcp/6001', ICN_BOOTSTRAP: BOOT },
    flags: { listen: ['/ip4/127.0.0.1/tcp/0'], api: '127.0.0.1:0' }
  })
  assert.equal(configFile, join(home, 'config.json'))
  assert.deepEqual(config.api, { host: '127.0.0.1', port: 0 }) // flag over file
  assert.equal(config.logLevel, 'warn') // env over file
  assert.deepEqual(config.listen, ['/ip4/127.0.0.1/tcp/0']) // flag over env over file
  assert.deepEqual(config.bootstrap, [BOOT]) // env over default
  assert.equal(config.network.maxConnections, 7) // file over default
  assert.equal(config.network.discoveryIntervalMs, 10_000) // default kept beside a file's sibling key
  assert.equal(config.network.gossip.ipColocationFactorWeight, 0)
  assert.equal(sources.api?.kind, 'flag')
  assert.equal(describeKey({ sources }, 'logLevel'), 'logLevel (from environment variable ICN_LOG_LEVEL)')
  assert.equal(sources['network.maxConnections']?.kind, 'file')
})

test('--config FILE replaces <home>/config.json; its relative paths resolve against its directory', async (t) => {
  const dir = await tempHome(t)
  await mkdir(join(dir, 'etc'))
  await writeFile(join(dir, 'etc', 'node.json'), JSON.stringify({ home: '../h', genesis: 'gen.json' }))
  const { config, configFile } = await resolveConfig({ env: {}, flags: { config: join(dir, 'etc', 'node.json') } })
  assert.equal(configFile, join(dir, 'etc', 'node.json'))
  assert.equal(config.home, join(dir, 'h'))
  assert.equal(config.genesis, join(dir, 'etc', 'gen.json'))
})

test('a flag path resolves against cwd; api "off" disables the API', async (t) => {
  const dir = await tempHome(t)
  const { config } = await resolveConfig({ env: { ICN_API: 'off' }, flags: { home: 'h', genesis: 'g.json' }, cwd: dir })
  assert.equal(config.home, join(dir, 'h'))
  assert.equal(config.genesis, join(dir, 'g.json'))
  assert.equal(config.api, null)
})

test('an unknown key in a file is refused, naming it', async (t) => {
  const home = await tempHome(t)
  const file = join(home, 'config.json')
  await writeFile(file, JSON.stringify({ network: { maxConnectons: 5 } }))
  await refused({ env: {}, defaultHome: home }, 'UNKNOWN_KEY', 'network.maxConnectons', 'file', file)
})

test('a value of the wrong type is refused, naming the key', async (t) => {
  const home = await tempHome(t)
  await writeFile(join(home, 'config.json'), JSON.stringify({ listen: '/ip4/127.0.0.1/tcp/1' }))
  await refused({ env: {}, defaultHome: home }, 'INVALID_VALUE', 'listen', 'file')
  await writeFile(join(home, 'config.json'), JSON.stringify({ logLevel: 'loud' }))
  await refused({ env: {}, defaultHome: home }, 'INVALID_VALUE', 'logLevel', 'file')
})

test('a malformed multiaddr is refused, naming the key and the flag', async (t) => {
  const home = await tempHome(t)
  const err = await refused({ env: {}, defaultHome: home, flags: { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/300.0.0.1/tcp/1'] } }, 'INVALID_VALUE', 'listen.1', 'flag', '--listen')
  assert.match(err.message, /--listen/)
})

test('a bootstrap address without /p2p/ is refused', async (t) => {
  const home = await tempHome(t)
  await refused({ env: { ICN_BOOTSTRAP: '/ip4/10.0.0.1/tcp/4001' }, defaultHome: home }, 'INVALID_VALUE', 'bootstrap.0', 'env', 'ICN_BOOTSTRAP')
  await refused({ env: {}, defaultHome: home, flags: { bootstrap: ['/ip4/10.0.0.1/tcp/4001/p2p/notapeer'] } }, 'INVALID_VALUE', 'bootstrap.0', 'flag', '--bootstrap')
})

test('a bad HOST:PORT is refused', async (t) => {
  const home = await tempHome(t)
  for (const api of ['8080', 'local host:80', '127.0.0.1:http', ':80', '[zz]:80']) {
    await refused({ env: {}, defaultHome: home, flags: { api } }, 'INVALID_VALUE', 'api', 'flag', '--api')
  }
  const ok = await resolveConfig({ env: {}, defaultHome: home, flags: { api: '[::1]:0' } })
  assert.deepEqual(ok.config.api, { host: '::1', port: 0 })
})

test('a port out of range is refused', async (t) => {
  const home = await tempHome(t)
  const err = await refused({ env: { ICN_API: '127.0.0.1:65536' }, defaultHome: home }, 'INVALID_VALUE', 'api', 'env', 'ICN_API')
  assert.match(err.problem, /65536/)
})

test('an unparseable JSON file is refused, naming the file', async (t) => {
  const home = await tempHome(t)
  const file = join(home, 'node.json')
  await writeFile(file, '{"api": "127.0.0.1:1",')
  const err = await refused({ env: {}, defaultHome: home, flags: { config: file } }, 'FILE_NOT_JSON', 'config', 'file', file)
  assert.ok(err.message.includes(file))
  await writeFile(file, '[1]')
  await refused({ env: {}, defaultHome: home, flags: { config: file } }, 'FILE_NOT_JSON', 'config', 'file')
  await refused({ env: {}, defaultHome: home, flags: { config: join(home, 'absent.json') } }, 'FILE_UNREADABLE', 'config', 'file')
})

test('a bad environment value is refused, naming the variable', async (t) => {
  const home = await tempHome(t)
  const err = await refused({ env: { ICN_MAX_CONNECTIONS: 'many' }, defaultHome: home }, 'INVALID_VALUE', 'network.maxConnections', 'env', 'ICN_MAX_CONNECTIONS')
  assert.match(err.message, /ICN_MAX_CONNECTIONS/)
  await refused({ env: { ICN_MAX_CONNECTIONS: '1.5' }, defaultHome: home }, 'INVALID_VALUE', 'network.maxConnections', 'env')
  await refused({ env: { ICN_GOSSIP_IP_COLOCATION_WEIGHT: '3' }, defaultHome: home }, 'INVALID_VALUE', 'network.gossip.ipColocationFactorWeight', 'env')
  await refused({ env: { ICN_LOG_LEVEL: 'chatty' }, defaultHome: home }, 'INVALID_VALUE', 'logLevel', 'env', 'ICN_LOG_LEVEL')
})

test('the home cannot be moved by its own config.json', async (t) => {
  const home = await tempHome(t)
  await writeFile(join(home, 'config.json'), JSON.stringify({ home: '/elsewhere' }))
  await refused({ env: {}, defaultHome: home }, 'UNKNOWN_KEY', 'home', 'file')
})

test('unknown ICN_* variables are reported as warnings, not silently dropped', async (t) => {
  const home = await tempHome(t)
  const { warnings } = await resolveConfig({ env: { ICN_LISTN: 'x', ICN_DEBUG: '1' }, defaultHome: home })
  assert.equal(warnings.length, 1)
  assert.match(warnings[0] ?? '', /ICN_LISTN/)
})

test('the starter config is itself a valid config file', async (t) => {
  const home = await tempHome(t)
  await writeFile(join(home, 'config.json'), JSON.stringify(starterConfig()))
  const { config, configFile } = await resolveConfig({ env: {}, defaultHome: home })
  assert.equal(configFile, join(home, 'config.json'))
  assert.deepEqual(config.listen, ['/ip4/0.0.0.0/tcp/4001'])
})

test('every key has a distinct environment variable; every flag a distinct option', () => {
  assert.equal(new Set(KEYS.map((k) => k.env)).size, KEYS.length)
  const flags = KEYS.filter((k) => k.flag !== undefined)
  assert.equal(new Set(flags.map((k) => k.option)).size, flags.length)
})

test('config/node.example.json is a valid config file, and config/README.md documents every key', async () => {
  const { readFile } = await import('node:fs/promises')
  const example = new URL('../../config/node.example.json', import.meta.url).pathname
  const { config } = await resolveConfig({ env: {}, flags: { config: example, home: '/tmp/icn-example-home' } })
  assert.equal(config.genesis, new URL('../../config/genesis.json', import.meta.url).pathname)
  const readme = await readFile(new URL('../../config/README.md', import.meta.url), 'utf8')
  for (const spec of KEYS) {
    assert.ok(readme.includes(`\`${spec.key}\``), `README documents ${spec.key}`)
    assert.ok(readme.includes(`\`${spec.env}\``), `README documents ${spec.env}`)
    if (spec.flag !== undefined) assert.ok(readme.includes(`\`${spec.flag} <`), `README documents ${spec.flag}`)
  }
})
