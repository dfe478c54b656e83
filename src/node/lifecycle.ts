/**
 * Components of a node start in list order and stop in reverse, so each one can rely on those before
 * it (the API starts after the network host and stops before it). A failed start stops what started,
 * including the component that failed: a half-started component (listening, timers armed) must still
 * release what it holds.
 */
import type { Logger } from 'pino'

export interface Component {
  readonly name: string
  start: () => Promise<void>
  stop: () => Promise<void>
}

export async function startAll (components: readonly Component[], log: Logger): Promise<void> {
  const started: Component[] = []
  for (const component of components) {
    try {
      await component.start()
    } catch (err) {
      log.error({ err, component: component.name }, 'component failed to start')
      await stopAll([...started, component], log).catch(() => {})
      throw err
    }
    started.push(component)
    log.debug({ component: component.name }, 'component started')
  }
}

/** Stops every component (in reverse), even when some fail; rethrows the first failure afterwards. */
export async function stopAll (components: readonly Component[], log: Logger): Promise<void> {
  let first: unknown
  for (const component of [...components].reverse()) {
    try {
      await component.stop()
      log.debug({ component: component.name }, 'component stopped')
    } catch (err) {
      log.error({ err, component: component.name }, 'component failed to stop')
      first ??= err
    }
  }
  if (first !== undefined) throw first
}
