/** Shared set-up for network tests: hosts on 127.0.0.1 with OS-assigned ports and fast discovery. */
import { cidOf, type CID } from '../../src/codec/index.ts'
import { generateKeyPair, libp2pPrivateKey, type KeyPair } from '../../src/identity/index.ts'
import { createNetworkHost, type NetworkHost } from '../../src/network/index.ts'

export const NETWORK = cidOf({ network: 'icn-network-test', version: 1 })
export const OTHER_NETWORK = cidOf({ network: 'icn-network-test-other', version: 1 })

export interface TestHost {
  host: NetworkHost
  keyPair: KeyPair
  id: string
}

/** Creates and starts a host tuned for a loopback testnet; the caller must stop it. */
export async function startHost (
  opts: {
    keyPair?: KeyPair, networkId?: CID, bootstrap?: string[], listen?: string[], handshakeTimeoutMs?: number, beforeStart?: (host: NetworkHost) => void
  } = {}
): Promise<TestHost> {
  const keyPair = opts.keyPair ?? generateKeyPair()
  const host = await createNetworkHost({
    privateKey: await libp2pPrivateKey(keyPair),
    networkId: opts.networkId ?? NETWORK,
    listen: opts.listen ?? ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: opts.bootstrap ?? [],
    discoveryIntervalMs: 200,
    inboundConnectionThreshold: 1000,
    gossip: { ipColocationFactorWeight: 0 },
    ...(opts.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: opts.handshakeTimeoutMs } : {})
  })
  opts.beforeStart?.(host)
  await host.start()
  return { host, keyPair, id: host.peerId.toString() }
}

export function verifiedPeerIds (host: NetworkHost): string[] {
  return host.peers().filter((p) => p.verified).map((p) => p.peerId).sort()
}

/** Stops every host, in parallel, ignoring ones already stopped. */
export async function stopAll (hosts: Array<TestHost | undefined>): Promise<void> {
  await Promise.all(hosts.map(async (h) => h?.host.stop()))
}
