/**
 * Fault drivers: how a scenario's steps reach real nodes.
 *
 * - `createDriver(kind, manifest, options)`: `inprocess` (nodes in this process) or `netns` (a
 *   process per node, each in its own network namespace; Linux, root)
 * - `inProcessDriver`, `FaultDriver`, `DriverOptions`, `DriverKind`, `DRIVER_KINDS`
 */
import type { ScenarioManifest } from '../manifest/index.ts'
import { netnsDriver } from '../netns/driver.ts'
import { inProcessDriver } from './in-process.ts'
import type { DriverFactory, DriverKind, DriverOptions, FaultDriver } from './types.ts'

const DRIVERS: Record<DriverKind, DriverFactory> = {
  inprocess: inProcessDriver,
  netns: netnsDriver
}

export function createDriver (kind: DriverKind, manifest: ScenarioManifest, options: DriverOptions = {}): FaultDriver {
  return DRIVERS[kind](manifest, options)
}

export { inProcessDriver } from './in-process.ts'
export { DRIVER_KINDS, type DriverKind, type DriverOptions, type FaultDriver, type DriverFactory } from './types.ts'
