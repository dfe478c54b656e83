/** Durations in manifests: a whole number of milliseconds, or a string like "500ms", "5s", "1.5s", "2m". */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 }
const PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration (value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined
  const match = PATTERN.exec(value.trim())
  if (match === null) return undefined
  const ms = Math.round(Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN))
  return Number.isSafeInteger(ms) ? ms : undefined
}

export const DURATION_HELP = 'a duration: whole milliseconds, or a string like "500ms", "5s", "2m"'
