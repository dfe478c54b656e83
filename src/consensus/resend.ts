/**
 * Re-sending, which the paper does not need (it assumes gossip eventually delivers every message) and
 * a lossy network does. Every rebroadcastMs a validator re-sends its own messages of the round; when
 * the engine has made no progress for that long it relays what justifies its round, and says it is
 * behind if the next height is already being voted on. Receivers count identical messages once.
 */
import { VoteType, type Proposal, type Vote } from './messages.ts'
import { ownKey } from './height-state.ts'
import type { Engine } from './engine.ts'

export function onTick<B> (e: Engine<B>): void {
  if (!e.started || e.decision !== null) return
  if (e.now - e.lastProgressAt >= e.rebroadcastMs && e.now - e.lastRelayAt >= e.rebroadcastMs) {
    e.lastRelayAt = e.now
    e.lastOwnSentAt = e.now
    relay(e)
    e.intake.hintIfBufferedAhead()
  } else if (e.now - e.lastOwnSentAt >= e.rebroadcastMs) {
    e.lastOwnSentAt = e.now
    resendOwn(e)
  }
}

/** Our own messages of the current round again: a lost vote must not cost the round. */
function resendOwn<B> (e: Engine<B>): void {
  const sent = e.own.get(ownKey(e.height, e.round, 'proposal')) as { proposal: Proposal, block: B } | undefined
  if (sent !== undefined) e.emit({ type: 'broadcast-proposal', proposal: sent.proposal, block: sent.block })
  for (const type of [VoteType.Prevote, VoteType.Precommit]) {
    const vote = e.own.get(ownKey(e.height, e.round, type)) as Vote | undefined
    if (vote !== undefined) e.emit({ type: 'broadcast-vote', vote })
  }
}

/**
 * Stuck: re-sends what a peer needs to join us — the round's proposal and every vote we hold for
 * it, the precommits of the previous round (the 2f+1 that moved us here, or what a peer lacks to
 * time out of it), and the prevotes of the proposal's POL round. Votes are signed by their
 * validators, so relaying them is safe.
 */
function relay<B> (e: Engine<B>): void {
  const rs = e.hs.peek(e.round)
  const first = rs?.proposals[0]
  if (first !== undefined) e.emit({ type: 'broadcast-proposal', proposal: first.proposal, block: first.block })
  const votes: Vote[] = [...(rs?.prevotes.all() ?? []), ...(rs?.precommits.all() ?? []), ...(e.hs.peek(e.round - 1)?.precommits.all() ?? [])]
  const vr = first?.proposal.validRound
  if (vr !== undefined && vr !== null) votes.push(...(e.hs.peek(vr)?.prevotes.all() ?? []))
  // Our own valid value and its POL, so that others can re-propose it (see tryLearnValidValue).
  if (e.valid !== null && e.validRound !== e.round && e.validRound !== vr) {
    const pol = e.hs.peek(e.validRound)
    const proposal = pol?.proposals.find((p) => p.key === e.valid!.key)
    if (proposal !== undefined) e.emit({ type: 'broadcast-proposal', proposal: proposal.proposal, block: proposal.block })
    votes.push(...(pol?.prevotes.votesFor(e.valid.key) ?? []))
  }
  for (const vote of votes) e.emit({ type: 'broadcast-vote', vote })
}
