/**
 * Topic `tx`: one signed transaction (protocols/gossip.md, "tx"). Payload: the transaction's canonical
 * encoding exactly as `encodeTx` produces it, so its gossip bytes hash to its id. The ledger's own
 * admission rules (checkTx) decide the rest; their TxError action is the verdict.
 */
import { TxError, decodeTx, txId, type Tx, type TxErrorCode } from '../../ledger/index.ts'
import { GossipValidationError, type GossipErrorCode } from './errors.ts'
import type { ValidationDeps } from './types.ts'

/** TxError codes of invalid transactions with a gossip code of their own; other rejects are TX_INVALID. */
const REJECT_CODE: Partial<Record<TxErrorCode, GossipErrorCode>> = {
  MALFORMED: 'MALFORMED',
  TX_TOO_LARGE: 'TOO_LARGE',
  PAYLOAD_TOO_LARGE: 'TOO_LARGE',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  WRONG_NETWORK: 'WRONG_NETWORK',
  WRONG_SHARD: 'WRONG_SHARD'
}

function fromTxError (err: TxError): GossipValidationError {
  const code: GossipErrorCode = err.action === 'reject' ? (REJECT_CODE[err.code] ?? 'TX_INVALID') : 'TX_INADMISSIBLE'
  return GossipValidationError.of(code, `transaction: ${err.message}`, err.code)
}

/** The rules in order; the first that fails decides. Returns the transaction. */
export function validateTx (data: Uint8Array, deps: Pick<ValidationDeps, 'context'>): Tx {
  const { context } = deps
  let tx: Tx
  try {
    // [REJECT] at most maxTxBytes (TOO_LARGE); canonical DAG-CBOR of a well-formed signed transaction (MALFORMED)
    tx = decodeTx(data, context.maxTxBytes)
  } catch (err) {
    if (err instanceof TxError) throw fromTxError(err)
    throw err
  }
  // [IGNORE] the transaction is not already pending or final
  const id = txId(tx).toString()
  if (context.knownTx(id)) throw GossipValidationError.of('KNOWN', `transaction ${id} already known`)
  try {
    // [REJECT] network, shard, payload size, signature (invalid for everyone)
    // [IGNORE] timestamp window, sender account, nonce not used, mana (depend on state and clocks)
    context.checkTx(tx)
  } catch (err) {
    if (err instanceof TxError) throw fromTxError(err)
    throw err
  }
  return tx
}
