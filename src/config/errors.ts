/** Why a configuration was refused. The CLI prints the message (key, source, problem) and exits 2. */
export type ConfigErrorCode =
  | 'UNKNOWN_KEY' // a key the schema does not know (in a file), or a key that cannot be set there
  | 'INVALID_VALUE' // a key with a value of the wrong type or form
  | 'FILE_UNREADABLE' // a config file that cannot be read
  | 'FILE_NOT_JSON' // a config file that is not a JSON object

/** Where a configuration value came from. */
export interface ConfigSource {
  kind: 'default' | 'file' | 'env' | 'flag' | 'code'
  /** The file path, the environment variable or the flag (`--listen`); '' for defaults. */
  name: string
}

export function describeSource (source: ConfigSource): string {
  switch (source.kind) {
    case 'default': return 'default'
    case 'file': return `config file ${source.name}`
    case 'env': return `environment variable ${source.name}`
    case 'flag': return `flag ${source.name}`
    case 'code': return source.name === '' ? 'caller' : source.name
  }
}

export class ConfigError extends Error {
  override name = 'ConfigError'
  readonly code: ConfigErrorCode
  /** Dotted key (`network.maxConnections`, `bootstrap.1`). */
  readonly key: string
  readonly source: ConfigSource
  /** The problem alone, without key and source. */
  readonly problem: string

  constructor (code: ConfigErrorCode, key: string, source: ConfigSource, problem: string) {
    super(`invalid configuration: ${key === '' ? '' : `${key} `}(${describeSource(source)}): ${problem}`)
    this.code = code
    this.key = key
    this.source = source
    this.problem = problem
  }
}
