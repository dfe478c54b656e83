/**
 * The upon-rules of Algorithm 1 of "The latest gossip on BFT consensus" (Buchman, Kwon, Milosevic),
 * each marked with its lines in the paper, plus one liveness-only extension (tryLearnValidValue).
 * They read the engine's state and act through its primitives (castVote, startRound, decide…);
 * `advance` runs them to a fixpoint after every input. 2f+1 is "more than 2/3 of the voting power",
 * f+1 "more than 1/3".
 */
import { VoteType } from './messages.ts'
import { hasOneThird } from './validator-set.ts'
import { buildCommit } from './commit.ts'
import { NIL, blockKey } from './vote-tally.ts'
import type { ProposalEntry } from './height-state.ts'
import type { Engine } from './engine.ts'

/** Evaluates the upon-rules until none fires: the fixpoint after every input. */
export function runRules<B> (e: Engine<B>): void {
  while (e.decision === null) {
    if (tryDecide(e)) return
    if (trySkipRound(e)) continue
    if (tryRoundRules(e)) continue
    if (tryLearnValidValue(e)) continue
    return
  }
}

/**
 * Not in the paper (liveness only): a POL from a round after our validRound but before the current
 * one — learned late, e.g. relayed — becomes our valid value (never our lock). The paper relies on
 * every validator proposing within n rounds; with SPEC §7's weighted draw a validator locked on the
 * only block that can win may hold little weight and rarely propose, so others must be able to
 * re-propose that block with its POL round. Safe: receivers check the POL themselves (line 28).
 */
function tryLearnValidValue<B> (e: Engine<B>): boolean {
  for (const [round, rs] of e.hs.rounds) {
    if (round <= e.validRound || round >= e.round) continue
    for (const p of rs.proposals) {
      if (!rs.prevotes.hasTwoThirdsFor(p.key) || !e.isValid(p)) continue
      e.valid = p
      e.validRound = round
      return true
    }
  }
  return false
}

/** Lines 49–54: 2f+1 precommits for a block we hold and find valid, in any round. */
function tryDecide<B> (e: Engine<B>): boolean {
  for (const [round, rs] of e.hs.rounds) {
    for (const key of rs.precommits.quorums) {
      const held = key === NIL ? undefined : e.hs.blocks.get(key)
      if (held === undefined || !e.isValid({ ...held, key })) continue
      e.decide(round, { ...held, key }, buildCommit(e.height, round, held.cid, rs.precommits.votesFor(key)))
      return true
    }
  }
  return false
}

/** Lines 55–56: f+1 of the power has spoken in a higher round: go there (the highest such round). */
function trySkipRound<B> (e: Engine<B>): boolean {
  let target = -1
  for (const [round, rs] of e.hs.rounds) {
    if (round > e.round && round > target && hasOneThird(e.set, rs.senderPower)) target = round
  }
  if (target < 0) return false
  e.startRound(target)
  return true
}

function tryRoundRules<B> (e: Engine<B>): boolean {
  const rs = e.hs.peek(e.round)
  if (rs === undefined) return false
  if (e.roundStep === 'propose') {
    for (const p of rs.proposals) {
      const vr = p.proposal.validRound
      if (vr === null) {
        // Lines 22–27: a fresh proposal; prevote it if valid and we are unlocked or locked on it.
        e.prevote(acceptable(e, p) && (e.lockedRound === -1 || e.locked?.key === p.key) ? p : null)
        return true
      }
      if (vr < e.round && e.hs.peek(vr)?.prevotes.hasTwoThirdsFor(p.key) === true) {
        // Lines 28–33: a re-proposal with a proof of lock from round vr.
        e.prevote(acceptable(e, p) && (e.lockedRound <= vr || e.locked?.key === p.key) ? p : null)
        return true
      }
    }
  }
  if (e.roundStep === 'prevote' && !rs.prevoteTimeoutScheduled && rs.prevotes.hasTwoThirdsAny()) {
    // Lines 34–35.
    rs.prevoteTimeoutScheduled = true
    e.schedule('prevote')
    return true
  }
  if (e.roundStep !== 'propose' && !rs.lockRuleFired) {
    // Lines 36–43: 2f+1 prevotes for a valid proposal: lock and precommit (from prevote), remember it.
    for (const p of rs.proposals) {
      if (!rs.prevotes.hasTwoThirdsFor(p.key) || !e.isValid(p)) continue
      rs.lockRuleFired = true
      if (e.roundStep === 'prevote') {
        const vote = e.castVote(VoteType.Precommit, p)
        // Lock on what the network saw from us; normally p (see castVote for the exception).
        const sent = vote?.block != null ? e.hs.blocks.get(blockKey(vote.block)) : undefined
        e.locked = sent !== undefined ? { ...sent, key: blockKey(vote!.block) } : p
        e.lockedRound = e.round
        e.enterStep('precommit')
      }
      e.valid = p
      e.validRound = e.round
      return true
    }
  }
  if (e.roundStep === 'prevote' && rs.prevotes.hasTwoThirdsFor(NIL)) {
    // Lines 44–46.
    e.castVote(VoteType.Precommit, null)
    e.enterStep('precommit')
    return true
  }
  if (!rs.precommitTimeoutScheduled && rs.precommits.hasTwoThirdsAny()) {
    // Lines 47–48.
    rs.precommitTimeoutScheduled = true
    e.schedule('precommit')
    return true
  }
  return false
}

/** valid(v) for prevoting: also not further ahead of our clock than maxClockDriftMs. */
function acceptable<B> (e: Engine<B>, p: ProposalEntry<B>): boolean {
  return e.app.blockTime(p.block) <= e.now + e.params.maxClockDriftMs && e.isValid(p)
}
