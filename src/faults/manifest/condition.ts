/**
 * Conditions that trigger steps, written as short strings in manifests:
 *
 *   height>=10          the highest finalized height on any node is at least 10
 *   height>=+3          … at least 3 above what it was when the step started waiting
 *   all.height>=+3      every running node has finalized that height
 *   node2.height>=12    node 2 has (absolute or +relative, like the others)
 *   node3.sanctioned    some running node's ledger shows node 3 with a sanction level of 1 or more
 */

export type HeightScope = 'head' | 'all' | { node: number }

export type Condition =
  | { kind: 'height', scope: HeightScope, height: number, relative: boolean, text: string }
  | { kind: 'sanctioned', node: number, text: string }

const HEIGHT = /^(?:(all|node(\d+))\.)?height>=(\+?)(\d+)$/
const SANCTIONED = /^node(\d+)\.sanctioned$/

export const CONDITION_HELP = 'a condition: "height>=N", "height>=+N", "all.height>=N", "node<i>.height>=N" or "node<i>.sanctioned"'

/** The condition, or undefined when `text` is not one. */
export function parseCondition (text: string): Condition | undefined {
  const compact = text.replace(/\s+/g, '')
  const sanctioned = SANCTIONED.exec(compact)
  if (sanctioned !== null) return { kind: 'sanctioned', node: Number(sanctioned[1]), text: compact }
  const m = HEIGHT.exec(compact)
  if (m === null) return undefined
  const height = Number(m[4])
  if (!Number.isSafeInteger(height)) return undefined
  const scope: HeightScope = m[1] === undefined ? 'head' : m[1] === 'all' ? 'all' : { node: Number(m[2]) }
  return { kind: 'height', scope, height, relative: m[3] === '+', text: compact }
}

/** The node a condition names, if any. */
export function conditionNode (c: Condition): number | undefined {
  if (c.kind === 'sanctioned') return c.node
  return typeof c.scope === 'object' ? c.scope.node : undefined
}
