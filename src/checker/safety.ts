/**
 * The safety record: for every height, the first finalized CID seen (and on which node), and for every
 * node, each CID it reported final. Pure bookkeeping with times as inputs; every `observe…` throws a
 * SafetyViolation the moment a report contradicts what was seen before.
 */
import { SafetyViolation } from './errors.ts'

interface NodeChain {
  /** CID by height, as this node reported them. */
  blocks: Map<number, string>
  /** Every height up to here (from 0) is recorded. */
  contiguous: number
  /** Last finalized height and CID from the node's status. */
  finalized: { height: number, cid: string } | undefined
  /** Next height to re-read from history (round robin). */
  auditCursor: number
}

export class SafetyRecord {
  readonly #canonical = new Map<number, { cid: string, node: string }>()
  readonly #chains = new Map<string, NodeChain>()

  /** Heights whose finalized block is known. */
  get heights (): number {
    return this.#canonical.size
  }

  #chain (node: string): NodeChain {
    let chain = this.#chains.get(node)
    if (chain === undefined) {
      chain = { blocks: new Map(), contiguous: -1, finalized: undefined, auditCursor: 0 }
      this.#chains.set(node, chain)
    }
    return chain
  }

  /** A status read: the finalized height must not go down, and its block must agree with the record. */
  observeStatus (node: string, height: number, cid: string, atMs: number): void {
    const chain = this.#chain(node)
    const previous = chain.finalized
    if (previous !== undefined && height < previous.height) {
      throw new SafetyViolation({ code: 'HEIGHT_DECREASED', height, previousHeight: previous.height, nodes: [node, node], cids: [previous.cid, cid], atMs })
    }
    chain.finalized = { height, cid }
    this.observeBlock(node, height, cid, atMs)
  }

  /** A block read by height: the node's own record and every other node's must agree with it. */
  observeBlock (node: string, height: number, cid: string, atMs: number): void {
    const chain = this.#chain(node)
    const own = chain.blocks.get(height)
    if (own !== undefined && own !== cid) {
      throw new SafetyViolation({ code: 'ROLLBACK', height, nodes: [node, node], cids: [own, cid], atMs })
    }
    const first = this.#canonical.get(height)
    if (first !== undefined && first.cid !== cid) {
      throw new SafetyViolation({ code: 'CONFLICTING_FINALIZATION', height, nodes: [first.node, node], cids: [first.cid, cid], atMs })
    }
    if (first === undefined) this.#canonical.set(height, { cid, node })
    chain.blocks.set(height, cid)
    while (chain.blocks.has(chain.contiguous + 1)) chain.contiguous++
  }

  /** Heights at or below the node's finalized height that it has not reported yet, lowest first. */
  missing (node: string, limit: number): number[] {
    const chain = this.#chain(node)
    const top = chain.finalized?.height ?? -1
    const out: number[] = []
    for (let h = chain.contiguous + 1; h <= top && out.length < limit; h++) {
      if (!chain.blocks.has(h)) out.push(h)
    }
    return out
  }

  /**
   * A height of the node's recorded history to read again (round robin below its finalized height),
   * so a block that changes anywhere in the past is noticed, not only at the head.
   */
  nextAudit (node: string): number | undefined {
    const chain = this.#chain(node)
    const below = Math.min(chain.contiguous, (chain.finalized?.height ?? 0) - 1)
    if (below < 0) return undefined
    if (chain.auditCursor > below) chain.auditCursor = 0
    return chain.auditCursor++
  }

  finalizedHeight (node: string): number | undefined {
    return this.#chains.get(node)?.finalized?.height
  }
}
