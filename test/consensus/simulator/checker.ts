/**
 * Safety and liveness, checked as the run goes (SPEC §14), not only at the end:
 * - agreement: no two honest nodes finalize different blocks (or reach different state roots) at a height;
 * - no rollback: a node's finalized chain only grows, also across crashes;
 * - no honest equivocation: evidence only ever names byzantine validators, and no honest node ever
 *   sends two different signed messages for one (height, round, step), across crashes included;
 * - liveness: while more than 2/3 of the voting power is honest, up and connected, a new height is
 *   finalized within the bound, and every node of that quorum keeps up with it.
 */
import type { CID } from '../../../src/codec/index.ts'

export type ViolationKind = 'conflicting-finalization' | 'state-root-divergence' | 'rollback' | 'honest-equivocation' | 'double-sign' | 'liveness' | 'node-stuck'

export interface Violation { kind: ViolationKind, at: number, detail: string }

export class Checker {
  readonly violations: Violation[] = []
  private readonly chosen = new Map<number, { cid: string, root: string, node: number }>()
  private readonly chains = new Map<number, string[]>()
  /** What each honest node signed, by `node/height/round/step`. */
  private readonly signed = new Map<string, string>()
  private readonly honest: (validator: string) => boolean
  /** (time, max finalized height) every time the maximum grows. */
  private readonly progress: Array<{ at: number, height: number }> = [{ at: 0, height: 0 }]
  private quorumKey = ''
  private goodSince: number | null = null
  private readonly boundMs: number
  finalizations = 0
  /** Longest time with a quorum up and connected but no new height (ms). */
  maxStallMs = 0

  constructor (honest: (validator: string) => boolean, boundMs: number) {
    this.honest = honest
    this.boundMs = boundMs
  }

  get maxHeight (): number {
    return this.progress.at(-1)!.height
  }

  private fail (kind: ViolationKind, at: number, detail: string): void {
    this.violations.push({ kind, at, detail })
  }

  onFinalize (node: number, height: number, cid: CID, root: Uint8Array, at: number): void {
    this.finalizations++
    const c = cid.toString()
    const r = Buffer.from(root).toString('hex')
    const chain = this.chains.get(node) ?? []
    this.chains.set(node, chain)
    if (height !== chain.length + 1) this.fail('rollback', at, `node ${node} finalized height ${height} after ${chain.length}`)
    chain[height - 1] = c
    const first = this.chosen.get(height)
    if (first === undefined) {
      this.chosen.set(height, { cid: c, root: r, node })
      if (height > this.maxHeight) this.progress.push({ at, height })
    } else {
      if (first.cid !== c) this.fail('conflicting-finalization', at, `height ${height}: node ${first.node} finalized ${first.cid}, node ${node} finalized ${c}`)
      else if (first.root !== r) this.fail('state-root-divergence', at, `height ${height}: state roots of nodes ${first.node} and ${node} differ`)
    }
  }

  /** A restarted node's persisted chain must hold everything it finalized before. */
  onRestart (node: number, persisted: CID[], at: number): void {
    const before = this.chains.get(node) ?? []
    if (persisted.length < before.length || before.some((c, i) => c !== persisted[i]!.toString())) {
      this.fail('rollback', at, `node ${node} restarted with ${persisted.length} blocks, had finalized ${before.length}`)
    }
  }

  /** An honest node sent its own signed message; `value` names the block (or nil) it is for. */
  onSigned (node: number, height: number, round: number, step: string, value: string, at: number): void {
    const key = `${node}/${height}/${round}/${step}`
    const before = this.signed.get(key)
    if (before === undefined) this.signed.set(key, value)
    else if (before !== value) this.fail('double-sign', at, `node ${node} signed ${before} and ${value} at ${height}/${round}/${step}`)
  }

  onEvidence (offender: string, at: number): void {
    if (this.honest(offender)) this.fail('honest-equivocation', at, `evidence names honest validator ${offender}`)
  }

  /**
   * Called after every event with the honest, up nodes of the component holding more than 2/3 of the
   * power (null when there is none) and every node's finalized height.
   */
  checkLiveness (at: number, quorum: number[] | null, heights: (node: number) => number): void {
    const key = quorum === null ? '' : quorum.join(',')
    if (key !== this.quorumKey) {
      this.quorumKey = key
      this.goodSince = quorum === null ? null : at
    }
    if (quorum === null || this.goodSince === null) return
    const last = this.progress.at(-1)!
    const stall = at - Math.max(this.goodSince, last.at)
    if (stall > this.maxStallMs) this.maxStallMs = stall
    if (stall > this.boundMs) {
      this.fail('liveness', at, `no new height since ${Math.max(this.goodSince, last.at)} ms (quorum ${key} up and connected since ${this.goodSince} ms)`)
      this.goodSince = at // report once per bound
      return
    }
    const then = at - this.boundMs
    if (then < this.goodSince) return
    const required = this.heightAt(then)
    for (const n of quorum) {
      if (heights(n) < required) {
        this.fail('node-stuck', at, `node ${n} is at height ${heights(n)}; height ${required} was final ${this.boundMs} ms ago`)
        this.goodSince = at
        return
      }
    }
  }

  private heightAt (t: number): number {
    let lo = 0
    let hi = this.progress.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.progress[mid]!.at <= t) lo = mid
      else hi = mid - 1
    }
    return this.progress[lo]!.height
  }
}
