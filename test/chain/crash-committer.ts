/**
 * Child process for crash.test.ts: opens (or reopens) a chain on disk and commits blocks forever, each
 * with one transfer of 1 credit to bob from a rotating sender, printing each committed height on stdout
 * until it is killed.
 */
import { openStore } from '../../src/storage/index.ts'
import { openChain } from '../../src/chain/index.ts'
import { alice, bob, commitNext, testGenesis, txOn, V } from './helpers.ts'

const path = process.argv[2]
if (path === undefined) throw new Error('usage: crash-committer.ts <db path>')
const store = await openStore({ path })
const chain = await openChain(store, testGenesis())
const senders = [...V, alice]
for (;;) {
  const from = senders[chain.height % senders.length]!
  await commitNext(chain, [txOn(chain.ledger, from, 'transfer', { to: bob.did, amount: 1 })])
  process.stdout.write(`${chain.height}\n`)
}
