/**
 * Rules across fields, checked by walking the steps with each node's state: a node must exist when a
 * step names it (a validator, or a node an earlier step joined), kill needs a running or paused node,
 * restart a stopped or running one, pause a running one, resume a paused one; join takes the next free
 * index; partition groups are disjoint. Each error names the field (`steps.3.node`).
 */
import { FaultsError } from '../errors.ts'
import { conditionNode, type Condition } from './condition.ts'
import type { ParsedManifestShape } from './schema.ts'
import type { Step } from './types.ts'

type NodeState = 'running' | 'stopped' | 'paused'

function bad (field: string, message: string): never {
  throw new FaultsError('BAD_MANIFEST', `${field}: ${message}`, { field })
}

const NEEDS: Record<'kill' | 'restart' | 'pause' | 'resume', { from: readonly NodeState[], to: NodeState, why: string }> = {
  kill: { from: ['running', 'paused'], to: 'stopped', why: 'only a running or paused node can be killed' },
  restart: { from: ['stopped', 'running'], to: 'running', why: 'a paused node is resumed, not restarted' },
  pause: { from: ['running'], to: 'paused', why: 'only a running node can be paused' },
  resume: { from: ['paused'], to: 'running', why: 'only a paused node can be resumed' }
}

function checkCondition (c: Condition | undefined, field: string, states: Map<number, NodeState>): void {
  if (c === undefined) return
  const node = conditionNode(c)
  if (node !== undefined && !states.has(node)) bad(field, `node ${node} does not exist at this step (nodes: ${[...states.keys()].join(', ')})`)
}

/** Checks the steps and converts them to `Step`s; returns them with the final node count. */
export function validateSteps (m: ParsedManifestShape, defaultTimeoutMs: number): { steps: Step[], nodes: number } {
  const states = new Map<number, NodeState>()
  for (let i = 0; i < m.validators; i++) states.set(i, 'running')
  for (const [k, node] of (m.equivocators ?? []).entries()) {
    if (node >= m.validators) bad(`equivocators.${k}`, `node ${node} is not a validator (validators are 0 to ${m.validators - 1})`)
  }
  const steps: Step[] = []
  for (const [i, raw] of m.steps.entries()) {
    const field = `steps.${i}`
    checkCondition(raw.at, `${field}.at`, states)
    const trigger = { afterMs: raw.after, at: raw.at, timeoutMs: raw.timeout ?? defaultTimeoutMs, note: raw.note }
    switch (raw.action) {
      case 'partition': {
        const seen = new Set<number>()
        for (const [g, group] of raw.groups.entries()) {
          for (const [k, node] of group.entries()) {
            if (!states.has(node)) bad(`${field}.groups.${g}.${k}`, `node ${node} does not exist at this step`)
            if (seen.has(node)) bad(`${field}.groups.${g}.${k}`, `node ${node} is in two groups`)
            seen.add(node)
          }
        }
        steps.push({ ...trigger, action: 'partition', groups: raw.groups.map((g) => [...g]) })
        break
      }
      case 'heal':
        steps.push({ ...trigger, action: 'heal' })
        break
      case 'join': {
        if (raw.node !== states.size) bad(`${field}.node`, `the next node to join is ${states.size} (validators 0 to ${m.validators - 1}, then joiners in order), not ${raw.node}`)
        states.set(raw.node, 'running')
        steps.push({ ...trigger, action: 'join', node: raw.node })
        break
      }
      case 'wait':
        checkCondition(raw.for, `${field}.for`, states)
        steps.push({ ...trigger, action: 'wait', for: raw.for })
        break
      default: {
        const state = states.get(raw.node)
        if (state === undefined) bad(`${field}.node`, `node ${raw.node} does not exist at this step (nodes: 0 to ${states.size - 1})`)
        const rule = NEEDS[raw.action]
        if (!rule.from.includes(state)) bad(`${field}.node`, `node ${raw.node} is ${state} here: ${rule.why}`)
        states.set(raw.node, rule.to)
        steps.push(raw.action === 'kill'
          ? { ...trigger, action: 'kill', node: raw.node, signal: raw.signal ?? 'SIGKILL' }
          : { ...trigger, action: raw.action, node: raw.node })
      }
    }
  }
  for (const [k, node] of (m.expect?.sanctioned ?? []).entries()) {
    if (node >= m.validators) bad(`expect.sanctioned.${k}`, `node ${node} is not a validator`)
  }
  return { steps, nodes: states.size }
}
