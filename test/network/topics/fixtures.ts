/**
 * Gossip test fixtures: a GossipContext read from a real ledger chain (test/ledger/helpers.ts), real
 * signed votes, proposals and transactions, and an in-memory host that stands in for the router.
 */
import type { PeerId } from '@libp2p/interface'
import { cidOf, type CID } from '../../../src/codec/index.ts'
import { signProposal, signVote, cachingVerifier, VoteType, type Proposal, type Vote } from '../../../src/consensus/index.ts'
import { checkTx, DEFAULT_MAX_TX_BYTES, DEFAULT_MAX_BLOCK_BYTES, type Block } from '../../../src/ledger/index.ts'
import type { KeyPair } from '../../../src/identity/index.ts'
import type { GossipVerdict, GossipValidator, GossipHandler } from '../../../src/network/gossip.ts'
import { SeenSet } from '../../../src/network/topics/seen.ts'
import type { GossipContext, ValidationDeps } from '../../../src/network/topics/index.ts'
import type { PeerAction } from '../../../src/network/scoring/index.ts'
import { TestChain, KEYS_BY_DID, BLOCK_MS } from '../../ledger/helpers.ts'

export const ELSEWHERE = cidOf({ network: 'somewhere-else' })

export interface TestContext extends GossipContext {
  knownTxs: Set<string>
  punished: Set<string>
}

/** The context a node at `tc`'s head would give: it decides height head + 1. */
export function chainContext (tc: TestChain, overrides: Partial<GossipContext> = {}): TestContext {
  const current = (): number => tc.chain.height + 1
  const knownTxs = new Set<string>()
  const punished = new Set<string>()
  return {
    networkId: tc.network,
    shard: 0,
    maxBlockBytes: DEFAULT_MAX_BLOCK_BYTES,
    maxTxBytes: DEFAULT_MAX_TX_BYTES,
    currentHeight: current,
    validatorSet: (height) => (height === current() ? tc.chain.validatorSet() : undefined),
    expectedProposer: (height, round) => (height === current() ? tc.chain.proposer(round) : undefined),
    checkTx: (tx) => { checkTx(tc.chain.state, tx, { blockTime: tc.time + BLOCK_MS }) },
    knownTx: (id) => knownTxs.has(id),
    mempoolClosed: () => false,
    knownEvidence: (key) => punished.has(key),
    knownTxs,
    punished,
    ...overrides
  }
}

export function validationDeps (context: GossipContext): ValidationDeps {
  return {
    context,
    verifier: cachingVerifier(),
    seen: { proposal: new SeenSet(1024), vote: new SeenSet(1024), evidence: new SeenSet(1024) }
  }
}

export function vote (tc: TestChain, key: KeyPair, opts: { height?: number, round?: number, type?: VoteType, block?: CID | null, network?: CID, shard?: number } = {}): Vote {
  return signVote(key, {
    network: opts.network ?? tc.network,
    shard: opts.shard ?? 0,
    height: opts.height ?? tc.chain.height + 1,
    round: opts.round ?? 0,
    type: opts.type ?? VoteType.Prevote,
    block: opts.block === undefined ? cidOf({ block: 'some block' }) : opts.block,
    validator: key.did
  })
}

/** A block for the next height built by the expected proposer of `round`, and its signed proposal. */
export function proposal (tc: TestChain, opts: { round?: number, validRound?: number | null, signer?: KeyPair, height?: number, network?: CID, shard?: number, blockCid?: CID } = {}): { proposal: Proposal, block: Block, proposer: KeyPair } {
  const round = opts.round ?? 0
  const proposerDid = tc.chain.proposer(round)
  const built = tc.chain.build({ timestamp: tc.chain.head.timestamp + BLOCK_MS, round, lastCommit: tc.lastCommit, proposer: proposerDid }, [])
  const signer = opts.signer ?? KEYS_BY_DID.get(proposerDid)!
  const signed = signProposal(signer, {
    network: opts.network ?? tc.network,
    shard: opts.shard ?? 0,
    height: opts.height ?? tc.chain.height + 1,
    round,
    validRound: opts.validRound ?? null,
    block: opts.blockCid ?? built.id,
    proposer: signer.did
  })
  return { proposal: signed, block: built.block, proposer: KEYS_BY_DID.get(proposerDid)! }
}

/** A validator that is not the expected proposer of (next height, round). */
export function notProposer (tc: TestChain, round = 0): KeyPair {
  const expected = tc.chain.proposer(round)
  return [...KEYS_BY_DID.values()].find((k) => k.did !== expected && tc.chain.validatorSet().byDid.has(k.did))!
}

/** Flips one bit of a signature: a message that no longer verifies. */
export function tampered<T extends { signature: Uint8Array }> (message: T): T {
  const signature = new Uint8Array(message.signature)
  signature[0] = (signature[0] ?? 0) ^ 1
  return { ...message, signature }
}

export function peer (name: string): PeerId {
  return { toString: () => name } as unknown as PeerId
}

export interface Report { peerId: string, action: PeerAction, reason: string }

/** Records what the gossip service reports. */
export function recordingScorer (): { report: (peerId: string, action: PeerAction, reason: string) => void, reports: Report[] } {
  const reports: Report[] = []
  return { reports, report: (peerId, action, reason) => { reports.push({ peerId, action, reason }) } }
}

/**
 * Stands in for the network host: records subscriptions and publishes, and delivers a message the
 * way the host's router does (validator, then handler on accept).
 */
export class MemoryHost extends EventTarget {
  readonly topics = new Map<string, { validate: GossipValidator, handle: GossipHandler }>()
  readonly published: Array<{ topic: string, data: Uint8Array }> = []

  subscribe (topic: string, validate: GossipValidator, handle: GossipHandler): void {
    this.topics.set(topic, { validate, handle })
  }

  unsubscribe (topic: string): void {
    this.topics.delete(topic)
  }

  async publish (topic: string, data: Uint8Array): Promise<number> {
    this.published.push({ topic, data })
    return 1
  }

  /** Starts validation of `data` now (synchronously queued) and resolves with its verdict. */
  async deliver (topic: string, data: Uint8Array, from: PeerId): Promise<GossipVerdict> {
    const entry = this.topics.get(topic)
    if (entry === undefined) throw new Error(`not subscribed to ${topic}`)
    const verdict = await entry.validate(data, from)
    if (verdict === 'accept') entry.handle(data, from)
    return verdict
  }
}
