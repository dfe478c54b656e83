/** Limits of the API that clients size their requests by (the load generator among them). */

/** Most transactions one `POST /txs` request carries. */
export const MAX_BATCH_TXS = 1024
/** Largest `POST /txs` body (either form), unless one largest transaction alone needs more. */
export const MAX_BATCH_BYTES = 8 * 1024 * 1024
