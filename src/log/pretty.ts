/**
 * A one-line human format for pino records, for terminals: `12:00:01.234 INFO  [api] listening url=http://…`.
 * It rewrites the JSON lines pino produces, so the logger itself stays plain pino.
 */

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'module'])

function formatValue (value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)
  if (typeof value === 'object' && value !== null && 'message' in value && 'type' in value) {
    // a serialized error: keep the message, drop the stack (it is in the JSON format when needed)
    return JSON.stringify(String((value as { message: unknown }).message))
  }
  return JSON.stringify(value)
}

export function formatPretty (line: string): string {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line)
  } catch {
    return line
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : ''
  const level = (LEVEL_NAMES[record.level as number] ?? String(record.level)).padEnd(5)
  const module = typeof record.module === 'string' ? ` [${record.module}]` : ''
  const msg = typeof record.msg === 'string' ? ` ${record.msg}` : ''
  const fields = Object.entries(record)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => ` ${k}=${formatValue(v)}`)
    .join('')
  return `${time} ${level}${module}${msg}${fields}\n`
}

/** A pino destination that writes each record as one pretty line to `out`. */
export function prettyStream (out: { write: (text: string) => unknown }): { write: (line: string) => void } {
  return {
    write (chunk: string) {
      for (const line of chunk.split('\n')) if (line !== '') out.write(formatPretty(line))
    }
  }
}
