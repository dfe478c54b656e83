/**
 * Transactions.
 *
 * `POST /tx` submits one signed transaction, in either form:
 *   - `Content-Type: application/cbor` (or `application/octet-stream`): the body is the transaction's
 *     canonical DAG-CBOR bytes;
 *   - `Content-Type: application/json`: `{"tx": "<standard padded base64 of those bytes>"}`.
 * → 202 `{id}` (the transaction's CID) once it is in the mempool. Refusals are
 * `{error: {code, message, field?}}` whose code is the ledger's or the mempool's own:
 *   400 malformed (MALFORMED, `field` names where; INVALID_INPUT for a bad JSON body),
 *   409 conflict (ALREADY_KNOWN: pending, ALREADY_FINAL, NONCE_TOO_LOW, NONCE_TOO_HIGH, REPLACEMENT_UNDERPRICED),
 *   413 too large (TX_TOO_LARGE, PAYLOAD_TOO_LARGE, PAYLOAD_TOO_LARGE for an oversize body),
 *   422 refused by a ledger rule (BAD_SIGNATURE, WRONG_NETWORK, WRONG_SHARD, UNKNOWN_SENDER,
 *       INSUFFICIENT_MANA, TX_EXPIRED, TX_FROM_FUTURE),
 *   429 SENDER_QUEUE_FULL, 503 MEMPOOL_FULL or NOT_STARTED.
 *
 * `GET /tx/:id` → `{id, status: "pending" | "final" | "unknown", height?, index?, receipt?}`:
 * final with the block height, the position in the block and the receipt `{tx, ok, code, mana}`;
 * 400 INVALID_INPUT for a malformed CID.
 */
import type { FastifyReply } from 'fastify'
import { parse, parseCid, z } from '../../codec/index.ts'
import { SubmitError, SubmitErrorKind, fromBase64, toJson } from '../../chain/index.ts'
import { DEFAULT_MAX_TX_BYTES } from '../../ledger/index.ts'
import { ApiError } from '../errors.ts'
import type { ApiLedger, ApiNode, ApiRoute } from '../types.ts'

/** HTTP status of each kind of refusal. */
const STATUS: Record<SubmitErrorKind, number> = {
  [SubmitErrorKind.Malformed]: 400,
  [SubmitErrorKind.Conflict]: 409,
  [SubmitErrorKind.TooLarge]: 413,
  [SubmitErrorKind.Refused]: 422,
  [SubmitErrorKind.RateLimited]: 429,
  [SubmitErrorKind.Full]: 503,
  [SubmitErrorKind.Unavailable]: 503
}

const RAW_TYPES = ['application/cbor', 'application/octet-stream']

const jsonBody = z.strictObject({ tx: z.string() })

/** The node's ledger once its chain is open, or 503 UNAVAILABLE. */
export function ledgerOf (node: ApiNode): ApiLedger {
  const ledger = node.ledger
  if (ledger?.status() === undefined) throw new ApiError(503, 'UNAVAILABLE', 'the ledger is not open')
  return ledger
}

function transactionBytes (body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body
  const { tx } = parse(jsonBody, body ?? {})
  const bytes = fromBase64(tx)
  if (bytes === undefined) throw new ApiError(400, 'INVALID_INPUT', 'tx: must be standard padded base64 of the transaction\'s DAG-CBOR bytes', 'tx')
  return bytes
}

async function refuse (reply: FastifyReply, err: SubmitError): Promise<FastifyReply> {
  const error = { code: err.code, message: err.message, ...(err.field !== '' ? { field: err.field } : {}) }
  return reply.status(STATUS[err.kind]).send({ error })
}

export const txRoute: ApiRoute = (app, node) => {
  const maxTxBytes = node.ledger?.maxTxBytes ?? DEFAULT_MAX_TX_BYTES
  // Room for the base64 form in a JSON body; the raw form is capped by the ledger's own decoder.
  const bodyLimit = Math.ceil(maxTxBytes / 3) * 4 + 1024

  // The raw-bytes parser is scoped to this route, so it cannot clash with another route's parsers.
  void app.register(async (scope) => {
    scope.addContentTypeParser(RAW_TYPES, { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
    scope.post('/tx', { bodyLimit }, async (request, reply) => {
      const ledger = ledgerOf(node)
      const bytes = transactionBytes(request.body)
      try {
        const { id } = await ledger.submit(bytes)
        return await reply.status(202).send({ id: id.toString() })
      } catch (err) {
        if (err instanceof SubmitError) return await refuse(reply, err)
        throw err
      }
    })
  })

  app.get('/tx/:id', async (request) => {
    const ledger = ledgerOf(node)
    const { id } = request.params as { id: string }
    const cid = parseCid(id)
    if (cid === undefined) throw new ApiError(400, 'INVALID_INPUT', `id: ${JSON.stringify(id)} is not a CID`, 'id')
    return toJson(await ledger.txStatus(cid))
  })
}
