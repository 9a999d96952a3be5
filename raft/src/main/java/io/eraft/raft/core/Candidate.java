package io.eraft.raft.core;

import java.util.HashMap;
import java.util.Map;

/**
 * Campaigning for {@code voteTerm}. A pre-candidate (thesis §9.6) asks whether it would win without
 * incrementing its term; only a won PreVote round starts a real election.
 *
 * <p>Peers that have not answered are asked again every heartbeat interval ("servers retry RPCs if
 * they do not receive a response in a timely manner", Raft §5.1): a lost request or answer then
 * costs a heartbeat interval, not a whole election timeout and a new term. Asking again is
 * harmless: a peer that voted for us in this term grants again, any other answers as before.
 */
final class Candidate extends RoleState {
  private final boolean preVote;
  private final long voteTerm;
  private final Map<Long, Boolean> votes = new HashMap<>();
  private int ticksSinceRequest;

  Candidate(RaftCore core, boolean preVote, long voteTerm) {
    super(core);
    this.preVote = preVote;
    this.voteTerm = voteTerm;
  }

  @Override
  Role type() {
    return preVote ? Role.PRE_CANDIDATE : Role.CANDIDATE;
  }

  @Override
  void tick() {
    if (++ticksSinceRequest >= core.config().heartbeatTicks()) {
      requestVotesFromSilentPeers();
    }
    campaignOnElectionTimeout();
  }

  /** Asks every peer that has not answered yet for its vote. */
  void requestVotesFromSilentPeers() {
    ticksSinceRequest = 0;
    RaftLog log = core.log();
    for (long peer : core.peers()) {
      if (votes.containsKey(peer)) {
        continue;
      }
      RequestVote request = new RequestVote(core.id(), peer, voteTerm, log.lastIndex(), log.lastTerm(), preVote, 0);
      if (preVote) {
        core.send(request);
      } else {
        core.sendAfterPersist(request); // our own vote must be durable before we ask for others'
      }
    }
  }

  @Override
  void step(RaftMessage m) {
    if (m instanceof AppendEntries || m instanceof InstallSnapshot) {
      // A leader exists for our term (or, for a pre-candidate, the term we are in): follow it.
      core.becomeFollower(core.term(), m.from());
      core.step(m);
    } else if (m instanceof RequestVoteResponse r && r.preVote() == preVote && (preVote || r.term() == voteTerm)) {
      recordVote(r.from(), r.voteGranted());
    } else {
      ignore(m);
    }
  }

  /** Counts a vote and acts on the outcome; returns true if the election was decided. */
  boolean recordVote(long voter, boolean granted) {
    // A grant always counts: a rejection seen first may answer one of our older requests.
    votes.merge(voter, granted, Boolean::logicalOr);
    switch (Quorum.voteResult(core.peers().size(), votes.values())) {
      case WON:
        if (preVote) {
          core.campaign(false);
        } else {
          core.becomeLeader();
        }
        return true;
      case LOST:
        core.becomeFollower(core.term(), SoftState.NO_LEADER);
        return true;
      default:
        return false;
    }
  }
}
