/**
 * Whether this machine can run the netns driver: Linux, root, iproute2, and a kernel that lets us
 * create a network namespace with a bridge and a veth pair in it (a container without CAP_NET_ADMIN /
 * CAP_SYS_ADMIN cannot). Probed once by trying exactly that in a throwaway namespace, so the answer
 * is the truth rather than a guess; the reason says what is missing.
 */
import { ip, ipQuiet } from './exec.ts'

export type NetnsAvailability = { ok: true } | { ok: false, reason: string }

let cached: Promise<NetnsAvailability> | undefined

async function probe (): Promise<NetnsAvailability> {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces need Linux (this is ${process.platform})` }
  const uid = process.getuid?.()
  if (uid !== 0) return { ok: false, reason: `the netns driver must run as root (uid is ${uid ?? 'unknown'})` }
  try {
    await ip(['-V'], 'UNAVAILABLE')
  } catch {
    return { ok: false, reason: 'the `ip` command (iproute2) is not installed: apt-get install -y iproute2' }
  }
  const ns = `icnfprobe${process.pid}`
  try {
    await ip(['netns', 'add', ns], 'UNAVAILABLE')
    await ip(['-n', ns, 'link', 'add', 'br0', 'type', 'bridge'], 'UNAVAILABLE')
    await ip(['-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], 'UNAVAILABLE')
    await ip(['-n', ns, 'route', 'add', 'blackhole', '10.77.255.1/32'], 'UNAVAILABLE')
    return { ok: true }
  } catch (err) {
    return { ok: false, reason: `cannot create network namespaces, bridges, veth pairs or routes here: ${(err as Error).message}` }
  } finally {
    await ipQuiet(['netns', 'del', ns])
  }
}

/** Probed once per process. */
export async function netnsAvailability (): Promise<NetnsAvailability> {
  cached ??= probe()
  return cached
}
