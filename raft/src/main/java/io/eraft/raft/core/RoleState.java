package io.eraft.raft.core;

/**
 * What differs between roles: how a tick and a message are handled. {@link RaftCore} applies the
 * term rules every role shares before calling {@link #step}, and only its {@code becomeX} methods
 * swap the role object, so a role's own state (a leader's progress, a candidate's votes) cannot
 * outlive it.
 */
abstract sealed class RoleState permits Follower, Candidate, Leader {
  protected final RaftCore core;

  RoleState(RaftCore core) {
    this.core = core;
  }

  abstract Role type();

  abstract void tick();

  /** Handles a message whose term equals the current term (vote requests excluded). */
  abstract void step(RaftMessage m);

  /** Followers and candidates: start a (new) election when the randomized timeout runs out. */
  protected void campaignOnElectionTimeout() {
    if (core.tickElection()) {
      core.campaign(core.config().preVote());
    }
  }

  protected void ignore(RaftMessage m) {
    core.logger().debug("node {} ({} at term {}) ignoring {}", core.id(), type(), core.term(), m);
  }
}
