/**
 * Configuration: defaults < config file < `ICN_*` environment < command-line flags, validated with a
 * strict zod schema. A bad value fails with a ConfigError naming the key, the source and the problem.
 *
 * - `resolveConfig({flags, env, cwd, defaultHome, overrides})` → `{config: NodeConfig, sources, configFile, warnings}`
 * - `KEYS`: every key with its environment variable, flag, kind, default and doc (config/README.md mirrors it)
 * - `starterConfig()`: the config.json `icn init` writes
 */
export { resolveConfig, resolveHome, describeKey, type ResolveOptions, type ResolvedConfig } from './resolve.ts'
export {
  ConfigLayer, KEYS, OTHER_ENV, LOG_LEVELS, LOG_FORMATS, DEFAULT_API, DEFAULT_LISTEN, DEFAULT_MAX_CONNECTIONS,
  DEFAULT_DISCOVERY_INTERVAL_MS, defaultLayer, type NodeConfig, type KeySpec, type LogLevel, type LogFormat
} from './schema.ts'
export { ConfigError, describeSource, type ConfigErrorCode, type ConfigSource } from './errors.ts'
export { parseApiAddress, multiaddrProblem, urlHost, type ApiAddress } from './values.ts'
export { starterConfig } from './starter.ts'
export type { FlagValues } from './layers.ts'
