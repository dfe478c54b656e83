/** The checker can fail: each property it guards, violated on purpose. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cidOf } from '../../../src/codec/index.ts'
import { Checker } from './checker.ts'

const X = cidOf({ b: 'x' })
const Y = cidOf({ b: 'y' })
const R1 = new Uint8Array([1])
const R2 = new Uint8Array([2])
const honest = (did: string): boolean => did !== 'byz'

describe('checker', () => {
  it('accepts agreement', () => {
    const c = new Checker(honest, 1000)
    c.onFinalize(0, 1, X, R1, 10)
    c.onFinalize(1, 1, X, R1, 12)
    assert.deepEqual(c.violations, [])
    assert.equal(c.maxHeight, 1)
  })

  it('catches two blocks finalized at one height', () => {
    const c = new Checker(honest, 1000)
    c.onFinalize(0, 1, X, R1, 10)
    c.onFinalize(1, 1, Y, R1, 12)
    assert.deepEqual(c.violations.map((v) => v.kind), ['conflicting-finalization'])
  })

  it('catches diverging state roots', () => {
    const c = new Checker(honest, 1000)
    c.onFinalize(0, 1, X, R1, 10)
    c.onFinalize(1, 1, X, R2, 12)
    assert.deepEqual(c.violations.map((v) => v.kind), ['state-root-divergence'])
  })

  it('catches a rollback: a gap, or a restart with fewer blocks than finalized', () => {
    const c = new Checker(honest, 1000)
    c.onFinalize(0, 1, X, R1, 10)
    c.onFinalize(0, 3, Y, R1, 20)
    c.onRestart(0, [X], 30)
    assert.deepEqual(c.violations.map((v) => v.kind), ['rollback', 'rollback'])
  })

  it('catches evidence against an honest validator, not against a byzantine one', () => {
    const c = new Checker(honest, 1000)
    c.onEvidence('byz', 5)
    c.onEvidence('did:key:honest', 6)
    assert.deepEqual(c.violations.map((v) => v.kind), ['honest-equivocation'])
  })

  it('catches an honest node signing two different messages for one step', () => {
    const c = new Checker(honest, 1000)
    c.onSigned(0, 3, 1, 'prevote', 'x', 10)
    c.onSigned(0, 3, 1, 'prevote', 'x', 20)
    c.onSigned(0, 3, 1, 'precommit', 'nil', 20)
    c.onSigned(1, 3, 1, 'prevote', 'y', 20)
    assert.equal(c.violations.length, 0)
    c.onSigned(0, 3, 1, 'prevote', 'nil', 30)
    assert.deepEqual(c.violations.map((v) => v.kind), ['double-sign'])
  })

  it('catches no progress while a quorum is up and connected, but not without a quorum', () => {
    const c = new Checker(honest, 1000)
    c.checkLiveness(0, null, () => 0)
    c.checkLiveness(5000, null, () => 0)
    assert.equal(c.violations.length, 0)
    c.checkLiveness(6000, [0, 1, 2], () => 0)
    c.checkLiveness(6900, [0, 1, 2], () => 0)
    assert.equal(c.violations.length, 0)
    c.checkLiveness(7001, [0, 1, 2], () => 0)
    assert.deepEqual(c.violations.map((v) => v.kind), ['liveness'])
  })

  it('catches a quorum member that does not keep up', () => {
    const c = new Checker(honest, 1000)
    c.checkLiveness(0, [0, 1], () => 0)
    c.onFinalize(0, 1, X, R1, 100)
    c.checkLiveness(900, [0, 1], (n) => (n === 0 ? 1 : 0))
    c.onFinalize(0, 2, Y, R1, 950)
    c.checkLiveness(1050, [0, 1], (n) => (n === 0 ? 2 : 0))
    assert.equal(c.violations.length, 0)
    c.checkLiveness(1101, [0, 1], (n) => (n === 0 ? 2 : 0))
    assert.deepEqual(c.violations.map((v) => v.kind), ['node-stuck'])
  })
})
