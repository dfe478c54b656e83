/**
 * The state key layout. Keys are UTF-8 strings `table/part/part…`; DIDs and cooperative ids never
 * contain '/', and sequence numbers are zero-padded so a prefix scan lists them in order. The layout is
 * consensus-critical: every key is hashed into the state root, so changing it is a protocol change.
 */

const SEQ_DIGITS = 10

function seq (n: number): string {
  return String(n).padStart(SEQ_DIGITS, '0')
}

/** The two members of a pair in canonical (sorted) order, so (a, b) and (b, a) name one record. */
export function pair (a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a]
}

export const Keys = {
  /** Chain bookkeeping: network, height, block time, recent proposers, last validator set. */
  chain: 'meta/chain',
  /** Consensus and economic parameters. */
  params: 'meta/params',
  /** DIDs that declared validator candidacy, sorted. */
  candidates: 'meta/candidates',
  account: (did: string) => `acct/${did}`,
  member: (did: string) => `member/${did}`,
  reputation: (did: string) => `rep/${did}`,
  validator: (did: string) => `val/${did}`,
  cooperative: (id: string) => `coop/${id}`,
  membership: (coop: string, did: string) => `coopm/${coop}/${did}`,
  relationship: (a: string, b: string) => `rel/${pair(a, b).join('/')}`,
  interaction: (a: string, b: string, n: number) => `relint/${pair(a, b).join('/')}/${seq(n)}`,
  contribution: (did: string, n: number) => `contrib/${did}/${seq(n)}`,
  /** Mutual aid given, by provider. */
  mutualAid: (provider: string, n: number) => `aid/${provider}/${seq(n)}`,
  /** Index of mutual aid received: points at the provider's record. */
  mutualAidReceived: (receiver: string, n: number) => `aidrx/${receiver}/${seq(n)}`,
  endorsement: (to: string, n: number) => `endorse/${to}/${seq(n)}`,
  attestation: (attester: string, subject: string, category: string) => `att/${attester}/${subject}/${category}`,
  attestationCount: (attester: string) => `attn/${attester}`,
  offence: (validator: string, height: number, round: number, type: number) => `offence/${validator}/${height}/${round}/${type}`
} as const
