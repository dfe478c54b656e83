/** Reading docker-compose.yml and the Dockerfile the way Docker reads them, for static checks. */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const REPO = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '')
export const composeFile = join(REPO, 'docker-compose.yml')
export const dockerfile = join(REPO, 'Dockerfile')

export interface Service {
  image?: string
  build?: string
  command?: string[]
  user?: string
  network_mode?: string
  depends_on?: Record<string, { condition: string }>
  environment: Record<string, string>
  volumes?: string[]
  ports?: string[]
  networks?: Record<string, { ipv4_address?: string }>
  healthcheck?: Record<string, unknown>
}

export interface Compose {
  services: Record<string, Service>
  networks?: Record<string, { driver?: string, ipam?: { config?: Array<{ subnet?: string }> } }>
  volumes?: Record<string, unknown>
}

/** The compose file with `<<` merge keys applied (Compose supports them; YAML 1.2 needs the option). */
export async function readCompose (): Promise<Compose> {
  const compose = parse(await readFile(composeFile, 'utf8'), { merge: true }) as Compose
  for (const s of Object.values(compose.services)) {
    s.environment ??= {}
    // Compose passes every value as a string; the file must not rely on YAML typing numbers
    for (const [k, v] of Object.entries(s.environment)) assert.equal(typeof v, 'string', `${k} must be a string`)
  }
  return compose
}

/** The init service's command line (the arguments after the image's `node bin/icn.js` entrypoint). */
export function initArgs (compose: Compose): string[] {
  const command = compose.services.init?.command
  assert.ok(Array.isArray(command), 'init has an exec-form command')
  return command
}

export interface Mount { source: string, target: string, readOnly: boolean }

export function volumeMounts (s: Service): Mount[] {
  return (s.volumes ?? []).map((v) => {
    const [source = '', target = '', mode] = v.split(':')
    return { source, target, readOnly: mode === 'ro' }
  })
}

/** A named volume, as opposed to a host path (`./x`, `/x`, `~/x`). */
export function isNamedVolume (source: string): boolean {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source)
}

/** `[ip:]host:container` */
export function hostPort (spec: string): { ip: string | undefined, host: number, container: number } {
  const parts = spec.split(':')
  const container = Number(parts.pop())
  const host = Number(parts.pop())
  return { ip: parts.pop(), host, container }
}

export interface Instruction { op: string, args: string }

/** Instructions with continuation lines joined and comments dropped; `env`: every ENV key=value. */
export async function readDockerfile (): Promise<{ instructions: Instruction[], env: Record<string, string> }> {
  const lines = (await readFile(dockerfile, 'utf8')).split('\n')
  const instructions: Instruction[] = []
  let current = ''
  for (const raw of lines) {
    const line = raw.trim()
    if (current === '' && (line === '' || line.startsWith('#'))) continue
    current += (current === '' ? '' : ' ') + line.replace(/\\$/, '').trim()
    if (line.endsWith('\\')) continue
    const space = current.indexOf(' ')
    instructions.push({ op: current.slice(0, space).toUpperCase(), args: current.slice(space + 1).trim() })
    current = ''
  }
  const env: Record<string, string> = {}
  for (const i of instructions.filter((x) => x.op === 'ENV')) {
    for (const m of i.args.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1] as string] = m[2] as string
  }
  return { instructions, env }
}

/** Instructions grouped by build stage (each starts with its FROM). */
export function stagesOf (instructions: Instruction[]): Instruction[][] {
  const stages: Instruction[][] = []
  for (const i of instructions) {
    if (i.op === 'FROM') stages.push([])
    stages[stages.length - 1]?.push(i)
  }
  return stages
}
