/**
 * A fault driver for runner tests: each "node" is a forged API (test/checker/forged-api.ts) whose
 * chain grows by one block every `blockMs` while it runs, all on one chain unless a test forks one.
 * It records every call, so tests see what the runner asked and that it always closed the driver.
 */
import type { DriverOptions, FaultDriver, ScenarioManifest } from '../../src/faults/index.ts'
import { forgedApi, type ForgedApi } from '../checker/forged-api.ts'

export interface FakeNetwork {
  apis: ForgedApi[]
  running: boolean[]
  /** The label of each node's chain: a fork gives later blocks other CIDs. */
  labels: string[]
  calls: string[]
  closed: number
  options: DriverOptions | undefined
  /** Called on each action, after it is recorded. */
  on: Partial<Record<'partition' | 'heal' | 'kill' | 'restart' | 'pause' | 'resume' | 'join', () => void>>
}

export function fakeNetwork (): FakeNetwork {
  return { apis: [], running: [], labels: [], calls: [], closed: 0, options: undefined, on: {} }
}

/** A `driverFactory` for runScenario over `net`, growing chains every `blockMs`. */
export function fakeDriverFactory (net: FakeNetwork, blockMs = 20): (m: ScenarioManifest, o: DriverOptions) => FaultDriver {
  return (manifest, options) => {
    net.options = options
    let timer: ReturnType<typeof setInterval> | undefined
    const grow = (): void => {
      for (const [i, api] of net.apis.entries()) {
        if (net.running[i] === true) api.chain.push(`cid-${net.labels[i] ?? 'main'}-${api.chain.length}`)
      }
    }
    const add = async (): Promise<number> => {
      const head = Math.max(0, ...net.apis.map((a) => a.chain.length))
      const api = await forgedApi(Array.from({ length: head }, (_, h) => `cid-main-${h}`))
      net.apis.push(api)
      net.running.push(true)
      net.labels.push('main')
      return net.apis.length - 1
    }
    /** A node coming back syncs: it takes the longest chain. */
    const catchUp = (i: number): void => {
      const longest = net.apis.reduce((a, b) => (b.chain.length > a.length ? b.chain : a), [] as string[])
      const api = net.apis[i]
      if (api !== undefined) api.chain = [...longest]
    }
    const record = (call: keyof FakeNetwork['on'], detail: string): void => {
      net.calls.push(`${call}${detail}`)
      net.on[call]?.()
    }
    return {
      kind: 'fake',
      dir: '',
      check: async () => {},
      start: async () => {
        for (let i = 0; i < manifest.validators; i++) await add()
        timer = setInterval(grow, blockMs)
      },
      apiUrl: (i) => net.running[i] === true ? net.apis[i]?.url : undefined,
      did: (i) => `did:key:fake${i}`,
      partition: async (groups) => { record('partition', ` ${JSON.stringify(groups)}`) },
      heal: async () => { record('heal', '') },
      kill: async (i, signal) => { net.running[i] = false; record('kill', ` ${i} ${signal}`) },
      restart: async (i) => { catchUp(i); net.running[i] = true; record('restart', ` ${i}`) },
      pause: async (i) => { net.running[i] = false; record('pause', ` ${i}`) },
      resume: async (i) => { catchUp(i); net.running[i] = true; record('resume', ` ${i}`) },
      join: async () => {
        const i = await add()
        record('join', ` ${i}`)
        return i
      },
      close: async () => {
        clearInterval(timer)
        net.closed++
        await Promise.all(net.apis.map(async (a) => a.close()))
      }
    }
  }
}
