/** The table `icn testnet` prints once every node answers: where to reach each node and who it is. */
import type { NodeLayout } from './layout.ts'
import type { TestnetNodeStatus } from './status.ts'

const HEADERS = ['node', 'role', 'api', 'p2p', 'peer id', 'did'] as const

/** Aligned columns, one row per node; values from the node's own status where it gave them. */
export function formatNodeTable (nodes: readonly NodeLayout[], statuses: ReadonlyArray<TestnetNodeStatus | undefined> = []): string {
  const rows = nodes.map((n, i) => {
    const s = statuses[i]
    return [n.name, n.role, s?.api ?? n.apiUrl, n.listen, s?.peerId ?? n.peerId, s?.did ?? n.did]
  })
  const widths = HEADERS.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)))
  const line = (cells: readonly string[]): string => cells.map((cell, c) => c === cells.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)).join('  ') + '\n'
  return line(HEADERS) + rows.map(line).join('')
}
