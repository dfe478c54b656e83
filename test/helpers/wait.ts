/** Polls `check` until it returns a truthy value or the deadline passes; never a fixed sleep. */
export async function waitFor<T> (
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: { timeout?: number, interval?: number, what?: string } = {}
): Promise<T> {
  const timeout = opts.timeout ?? 20_000
  const interval = opts.interval ?? 50
  const deadline = Date.now() + timeout
  let lastError: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== null && value !== false) return value
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) {
      const suffix = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
      throw new Error(`timed out after ${timeout} ms waiting for ${opts.what ?? 'condition'}${suffix}`)
    }
    await new Promise((resolve) => setTimeout(resolve, interval))
  }
}

/** Resolves with the first event `name` on `target` that satisfies `filter`, or rejects at the deadline. */
export async function nextEvent<E extends Event> (
  target: EventTarget, name: string, filter: (e: E) => boolean = () => true, timeout = 20_000
): Promise<E> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(name, listener)
      reject(new Error(`timed out after ${timeout} ms waiting for event ${name}`))
    }, timeout)
    const listener = (e: Event): void => {
      if (!filter(e as E)) return
      clearTimeout(timer)
      target.removeEventListener(name, listener)
      resolve(e as E)
    }
    target.addEventListener(name, listener)
  })
}
