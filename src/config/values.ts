/**
 * Validators for configuration values that zod has no built-in for: multiaddrs, bootstrap addresses
 * (which must name the peer they dial) and `HOST:PORT` listen addresses.
 */
import { isIPv4, isIPv6 } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { z } from 'zod'

export interface ApiAddress {
  host: string
  /** 0 asks the OS for a free port. */
  port: number
}

/** The problem with `text` as a multiaddr, or undefined when it parses. */
export function multiaddrProblem (text: string, requirePeer: boolean): string | undefined {
  let components
  try {
    components = multiaddr(text).getComponents()
  } catch (err) {
    return `${JSON.stringify(text)} is not a multiaddr (${(err as Error).message})`
  }
  if (!requirePeer) return undefined
  const p2p = components.find((c) => c.name === 'p2p')
  if (p2p?.value === undefined) return `${JSON.stringify(text)} has no /p2p/<peer id> part; a bootstrap address must name the peer it dials`
  try {
    peerIdFromString(p2p.value)
  } catch {
    return `${JSON.stringify(text)}: ${JSON.stringify(p2p.value)} is not a peer id`
  }
  return undefined
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

/** Parses `HOST:PORT` (`[v6]:PORT` for IPv6); returns the problem as a string when it does not. */
export function parseApiAddress (text: string): ApiAddress | string {
  const colon = text.lastIndexOf(':')
  if (colon < 0) return `${JSON.stringify(text)} must be HOST:PORT (e.g. 127.0.0.1:8080) or "off"`
  let host = text.slice(0, colon)
  const portText = text.slice(colon + 1)
  if (host.startsWith('[') && host.endsWith(']')) {
    host = host.slice(1, -1)
    if (!isIPv6(host)) return `${JSON.stringify(host)} is not an IPv6 address`
  } else if (!isIPv4(host) && !HOSTNAME.test(host)) {
    return `${JSON.stringify(host)} is not a host name or IPv4 address (write IPv6 as [addr]:port)`
  }
  if (!/^\d{1,5}$/.test(portText)) return `port ${JSON.stringify(portText)} is not a number`
  const port = Number(portText)
  if (port > 65535) return `port ${port} is out of range 0–65535`
  return { host, port }
}

export const multiaddrString = z.string().superRefine((text, ctx) => {
  const problem = multiaddrProblem(text, false)
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem })
})

export const bootstrapString = z.string().superRefine((text, ctx) => {
  const problem = multiaddrProblem(text, true)
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem })
})

/** `HOST:PORT` or `off` (no API server). */
export const apiString = z.string().superRefine((text, ctx) => {
  if (text === 'off') return
  const parsed = parseApiAddress(text)
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed })
})

/** The URL host part of an address: IPv6 in brackets. */
export function urlHost (host: string): string {
  return isIPv6(host) ? `[${host}]` : host
}
