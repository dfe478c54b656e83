/** Loopback hosts with the scoring options the shared network fixtures do not expose. */
import { generateKeyPair, libp2pPrivateKey, type KeyPair } from '../../../src/identity/index.ts'
import { createNetworkHost, type NetworkHost, type NetworkHostInit } from '../../../src/network/index.ts'
import { NETWORK } from '../fixtures.ts'

export interface ScoredHost {
  host: NetworkHost
  keyPair: KeyPair
  id: string
  addr: string
}

/** Creates and starts a host tuned for a loopback testnet (colocation penalty off, fast discovery). */
export async function startScoredHost (opts: Partial<Omit<NetworkHostInit, 'privateKey'>> & { keyPair?: KeyPair } = {}): Promise<ScoredHost> {
  const { keyPair: given, ...init } = opts
  const keyPair = given ?? generateKeyPair()
  const host = await createNetworkHost({
    networkId: NETWORK,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    discoveryIntervalMs: 200,
    inboundConnectionThreshold: 1000,
    ...init,
    gossip: { ipColocationFactorWeight: 0, ...init.gossip },
    privateKey: await libp2pPrivateKey(keyPair)
  })
  await host.start()
  return { host, keyPair, id: host.peerId.toString(), addr: host.multiaddrs()[0] ?? '' }
}

export function connectedTo (a: ScoredHost, b: ScoredHost): boolean {
  return a.host.peers().some((p) => p.peerId === b.id)
}

export function verifiedBy (a: ScoredHost, b: ScoredHost): boolean {
  return a.host.peers().some((p) => p.peerId === b.id && p.verified)
}
