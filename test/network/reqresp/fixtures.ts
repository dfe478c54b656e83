/**
 * Shared set-up for request/response and sync tests: a real test chain (TestChain: real blocks and
 * commit certificates from validators V[0..3]), an in-memory ChainReader over it, and hosts running
 * the request/response service with every peer report recorded.
 */
import type { Commit } from '../../../src/consensus/messages.ts'
import type { CID } from '../../../src/codec/index.ts'
import { blockId, encodeBlock, genesisBlock, type Block } from '../../../src/ledger/index.ts'
import { createReqResp, type ChainReader, type PeerAction, type ReqResp, type ReqRespOptions, type ServedBlock } from '../../../src/network/reqresp/index.ts'
import { TestChain, alice, bob } from '../../ledger/helpers.ts'
import { startHost, type TestHost } from '../fixtures.ts'

export interface BuiltChain {
  tc: TestChain
  /** The commit that finalized block h is commits[h - 1]. */
  commits: Commit[]
}

const built = new Map<number, BuiltChain>()

/** A chain of `height` blocks, a transfer in every fifth; built once per height per process. */
export function testChain (height: number): BuiltChain {
  const cached = built.get(height)
  if (cached !== undefined) return cached
  const tc = new TestChain()
  const commits: Commit[] = []
  for (let i = 0; i < height; i++) {
    tc.next(i % 5 === 0 ? [tc.tx(alice, 'transfer', { to: bob.did, amount: 1 + i })] : [])
    if (tc.lastCommit === null) throw new Error('TestChain.next left no commit')
    commits.push(tc.lastCommit)
  }
  const chain = { tc, commits }
  built.set(height, chain)
  return chain
}

export interface ReaderOptions {
  /** Serve only up to this height (default: the whole chain). */
  height?: () => number
  /** Rewrites a block before it is served (a corrupt server). */
  tamper?: (served: { block: Block, commit: Commit }) => { block: Block, commit: Commit }
}

/** A ChainReader over a built chain, as the node's chain store would serve it. */
export function memoryReader (chain: BuiltChain, opts: ReaderOptions = {}): ChainReader {
  const { tc, commits } = chain
  const top = (): number => Math.min(opts.height?.() ?? tc.blocks.length, tc.blocks.length)
  const served = (h: number): ServedBlock => {
    const block = tc.blocks[h - 1]
    const commit = commits[h - 1]
    if (block === undefined || commit === undefined) throw new Error(`no block ${h}`)
    const out = opts.tamper?.({ block, commit }) ?? { block, commit }
    return { block: encodeBlock(out.block), commit: out.commit }
  }
  const genesisId = genesisBlock(tc.genesis, 0).id
  const headRef = (): { height: number, cid: CID } => {
    const h = top()
    const header = tc.blocks[h - 1]?.header
    return { height: h, cid: header === undefined ? genesisId : blockId(header) }
  }
  return {
    status: () => ({ head: headRef(), finalized: headRef() }),
    blocksRange: (start, count) => {
      const out: ServedBlock[] = []
      for (let h = start; h < start + count && h <= top(); h++) out.push(served(h))
      return out
    },
    blockByCid: (cid) => {
      const index = tc.blocks.findIndex((b, i) => i < top() && blockId(b.header).equals(cid))
      return index < 0 ? undefined : served(index + 1)
    }
  }
}

export interface Report {
  peer: string
  action: PeerAction
  reason: string
}

export interface ReqRespNode extends TestHost {
  reqresp: ReqResp
  reports: Report[]
}

/** A started host on the chain's network with a started request/response service. */
export async function startReqRespNode (
  chain: BuiltChain, reader: ChainReader, opts: Partial<Omit<ReqRespOptions, 'host' | 'chain' | 'networkId'>> & { bootstrap?: string[] } = {}
): Promise<ReqRespNode> {
  const { bootstrap, ...rest } = opts
  const node = await startHost({ networkId: chain.tc.network, handshakeTimeoutMs: 2000, ...(bootstrap !== undefined ? { bootstrap } : {}) })
  const reports: Report[] = []
  const reqresp = createReqResp({
    host: node.host,
    chain: reader,
    networkId: chain.tc.network,
    reportPeer: (peer, action, reason) => { reports.push({ peer, action, reason }) },
    ...rest
  })
  await reqresp.start()
  return { ...node, reqresp, reports }
}

export async function stopNodes (nodes: Array<ReqRespNode | TestHost | undefined>): Promise<void> {
  await Promise.all(nodes.map(async (n) => {
    if (n === undefined) return
    if ('reqresp' in n) await n.reqresp.stop()
    await n.host.stop()
  }))
}
