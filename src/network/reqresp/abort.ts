/** Awaiting what a ChainReader returns without outliving the request: every wait races the signal. */

/** Settles like `value`, or rejects with `signal.reason` as soon as the signal fires. */
export async function abortable<T> (value: T | Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw signal.reason
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    Promise.resolve(value).then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v) },
      (err: unknown) => { signal.removeEventListener('abort', onAbort); reject(err) }
    )
  })
}

/** Iterates a sync or async iterable, each step raced against `signal`. */
export async function * iterate<T> (source: AsyncIterable<T> | Iterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator: AsyncIterator<T> | Iterator<T> = Symbol.asyncIterator in source
    ? source[Symbol.asyncIterator]()
    : source[Symbol.iterator]()
  let done = false
  try {
    for (;;) {
      const step = await abortable(iterator.next(), signal)
      if (step.done === true) {
        done = true
        return
      }
      yield step.value
    }
  } finally {
    if (!done) Promise.resolve(iterator.return?.()).catch(() => {})
  }
}
