/**
 * The ICN handshake, `/icn/handshake/1.0.0` (protocols/handshake.md): on every new connection the
 * dialer and the listener exchange a status message (network id, protocol version, DID, optional chain
 * heads) and each refuses a peer whose status breaks the rules. Message codec and rules are pure
 * (message.ts); the stream exchange is exchange.ts; the host wires both to libp2p (service.ts).
 */
export { statusSchema, encodeStatus, decodeStatus, checkStatus, type Status, type ShardHead, type LocalExpectation } from './message.ts'
export { initiateHandshake, respondHandshake } from './exchange.ts'
export { HandshakeService, type HandshakeServiceInit } from './service.ts'
