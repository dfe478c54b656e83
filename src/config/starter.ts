/** The config.json that `icn init` writes: the defaults spelled out, so an operator sees what to edit. */
import { defaultLayer, type ConfigLayer } from './schema.ts'

export function starterConfig (): ConfigLayer {
  const d = defaultLayer()
  return {
    listen: d.listen,
    announce: d.announce,
    bootstrap: d.bootstrap,
    api: d.api,
    logLevel: d.logLevel,
    logFormat: d.logFormat,
    network: { maxConnections: d.network?.maxConnections, discoveryIntervalMs: d.network?.discoveryIntervalMs }
  }
}
