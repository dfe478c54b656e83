/**
 * Resolves the node configuration: defaults < config file < `ICN_*` environment < command-line flags.
 * The config file is `--config FILE` (or ICN_CONFIG) when given, else `<home>/config.json` if it
 * exists; the home itself comes from flags, environment, the explicit config file or the default.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { ConfigError, describeSource, type ConfigSource } from './errors.ts'
import { envLayer, fileLayer, flagLayer, leafKeys, validateLayer, type FlagValues, type Layer } from './layers.ts'
import { defaultLayer, type ConfigLayer, type NodeConfig } from './schema.ts'
import { parseApiAddress } from './values.ts'

export interface ResolveOptions {
  /** Command-line flag values, keyed by commander option name (`listen`, `logLevel`, `config`…). */
  flags?: FlagValues
  /** Environment; default `process.env`. Pass `{}` in tests. */
  env?: Record<string, string | undefined>
  /** Directory relative paths in flags and environment resolve against; default `process.cwd()`. */
  cwd?: string
  /** Home when no source sets one; default `~/.icn`. */
  defaultHome?: string
  /** Values set by code (testnets, tests), applied above flags. */
  overrides?: ConfigLayer
}

export interface ResolvedConfig {
  config: NodeConfig
  /** Where each key's value came from (dotted key → source), for error messages that name it. */
  sources: Record<string, ConfigSource>
  /** The config file that was read, if any. */
  configFile: string | null
  /** Non-fatal findings (unknown ICN_* variables). */
  warnings: string[]
}

function isObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Deep merge of plain objects; arrays and scalars of `top` replace those of `base`. */
function merge (base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(top)) {
    if (v === undefined) continue
    const b = out[k]
    out[k] = isObject(b) && isObject(v) ? merge(b, v) : v
  }
  return out
}

export async function resolveConfig (options: ResolveOptions = {}): Promise<ResolvedConfig> {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const fromEnv = envLayer(env, cwd)
  const fromFlags = flagLayer(options.flags ?? {}, cwd)
  const code: ConfigSource = { kind: 'code', name: '' }
  const fromCode: Layer = { values: validateLayer(options.overrides ?? {}, () => code), sources: {} }
  for (const key of leafKeys(fromCode.values as Record<string, unknown>)) fromCode.sources[key] = code

  const explicit = typeof options.flags?.config === 'string'
    ? resolve(cwd, options.flags.config)
    : env.ICN_CONFIG !== undefined && env.ICN_CONFIG !== '' ? resolve(cwd, env.ICN_CONFIG) : undefined
  let file = explicit === undefined ? undefined : await fileLayer(explicit, true, 'config')

  const home = fromCode.values.home ?? fromFlags.values.home ?? fromEnv.values.home ?? file?.values.home ?? options.defaultHome ?? join(homedir(), '.icn')
  let configFile = explicit ?? null
  if (explicit === undefined) {
    const homeFile = join(home, 'config.json')
    file = await fileLayer(homeFile, false, 'config')
    if (file !== undefined) {
      configFile = homeFile
      if (file.values.home !== undefined) {
        throw new ConfigError('UNKNOWN_KEY', 'home', { kind: 'file', name: homeFile }, 'the home cannot be set in its own config.json (use --home or ICN_HOME)')
      }
    }
  }

  const defaults: Layer = { values: defaultLayer(), sources: {} }
  const layers = [defaults, file, fromEnv, fromFlags, fromCode].filter((l): l is Layer => l !== undefined)
  let merged: Record<string, unknown> = {}
  const sources: Record<string, ConfigSource> = {}
  for (const key of leafKeys(defaults.values as Record<string, unknown>)) sources[key] = { kind: 'default', name: '' }
  for (const layer of layers) {
    merged = merge(merged, layer.values as Record<string, unknown>)
    Object.assign(sources, layer.sources)
  }
  sources.home ??= { kind: 'default', name: '' }
  sources.genesis ??= { kind: 'default', name: '' }

  const values = merged as Required<ConfigLayer> & { network: Required<NonNullable<ConfigLayer['network']>> }
  const api = values.api === 'off' ? null : parseApiAddress(values.api)
  if (typeof api === 'string') throw new ConfigError('INVALID_VALUE', 'api', sources.api ?? code, api)
  const config: NodeConfig = {
    home: resolve(home),
    genesis: values.genesis ?? join(resolve(home), 'genesis.json'),
    listen: values.listen,
    announce: values.announce,
    bootstrap: values.bootstrap,
    api,
    logLevel: values.logLevel,
    logFormat: values.logFormat,
    network: {
      maxConnections: values.network.maxConnections as number,
      discoveryIntervalMs: values.network.discoveryIntervalMs as number,
      ...(values.network.inboundConnectionThreshold !== undefined ? { inboundConnectionThreshold: values.network.inboundConnectionThreshold } : {}),
      gossip: { ...values.network.gossip }
    }
  }
  return { config, sources, configFile, warnings: fromEnv.warnings }
}

/** "genesis (from flag --genesis)": a key and where its value came from, for messages. */
export function describeKey (resolved: Pick<ResolvedConfig, 'sources'>, key: string): string {
  const source = resolved.sources[key]
  return source === undefined ? key : `${key} (from ${describeSource(source)})`
}

/**
 * The home directory alone (flag > ICN_HOME > default), for commands that need no other key and must
 * work even when the home's config.json is broken (`icn keys show`).
 */
export function resolveHome (options: { flag?: string, env?: Record<string, string | undefined>, cwd?: string, defaultHome?: string } = {}): string {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const chosen = options.flag ?? (env.ICN_HOME !== undefined && env.ICN_HOME !== '' ? env.ICN_HOME : undefined)
  return chosen === undefined ? options.defaultHome ?? join(homedir(), '.icn') : resolve(cwd, chosen)
}
