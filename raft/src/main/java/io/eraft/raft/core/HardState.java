package io.eraft.raft.core;

/**
 * The state a node must persist before answering any message (Raft paper, figure 2): current
 * term, the candidate voted for in it, and the highest index known committed.
 */
public record HardState(long term, long votedFor, long commit) {
  public static final long NO_VOTE = -1;
  public static final HardState EMPTY = new HardState(0, NO_VOTE, 0);

  public HardState {
    if (term < 0 || commit < 0 || votedFor < NO_VOTE) {
      throw new IllegalArgumentException("invalid hard state " + term + "/" + votedFor + "/" + commit);
    }
  }

  public boolean isEmpty() {
    return equals(EMPTY);
  }
}
