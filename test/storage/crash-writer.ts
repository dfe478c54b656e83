/**
 * Child process for crash.test.ts: writes batches forever, each touching three namespaces with the
 * same batch number, and reports each committed batch on stdout until it is killed.
 */
import { openStore, u64Key, textKey } from '../../src/storage/index.ts'

const path = process.argv[2]
if (path === undefined) throw new Error('usage: crash-writer.ts <db path>')
const store = await openStore({ path })
const names = ['blocks', 'receipts', 'state']
const value = new Uint8Array(4096).fill(7)
for (let i = 0; ; i++) {
  await store.write((batch) => {
    for (const name of names) {
      // several keys per namespace so a batch spans more than one write-buffer entry
      for (let j = 0; j < 8; j++) batch.put(store.namespace(name), Uint8Array.of(...u64Key(i), j), value)
    }
    batch.put(store.namespace('meta'), textKey('last'), u64Key(i))
  })
  process.stdout.write(`${i}\n`)
}
