/** What a command reads and writes, so `main` runs the same in a terminal and in a test. */
export interface CliIo {
  stdout: { write: (text: string) => unknown }
  stderr: { write: (text: string) => unknown }
  env: Record<string, string | undefined>
  cwd: string
}

export function processIo (): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }
}

/** Aligned `label: value` lines for human output. */
export function formatFields (fields: ReadonlyArray<readonly [string, string]>, indent = '  '): string {
  const width = Math.max(...fields.map(([label]) => label.length)) + 1
  return fields.map(([label, value]) => `${indent}${`${label}:`.padEnd(width)} ${value}\n`).join('')
}
