package io.eraft.raft.core;

/**
 * The state a node must persist before answering any message (Raft paper, figure 2): current
 * term, the candidate voted for in it, and the highest index known committed; plus whether the
 * node is {@linkplain Standing#RECOVERING recovering} state it lost, which must survive its
 * restarts until a leader restores it, and the id of the group incarnation it belongs to
 * ({@code clusterId}, 0 while unknown; see {@link GroupDiscovery}).
 */
public record HardState(long term, long votedFor, long commit, boolean recovering, long clusterId) {
  public static final long NO_VOTE = -1;
  public static final long NO_CLUSTER = 0;
  public static final HardState EMPTY = new HardState(0, NO_VOTE, 0, false, NO_CLUSTER);

  public HardState {
    if (term < 0 || commit < 0 || votedFor < NO_VOTE) {
      throw new IllegalArgumentException("invalid hard state " + term + "/" + votedFor + "/" + commit);
    }
  }

  /** A member in full standing (not recovering) of a group whose id is not known. */
  public HardState(long term, long votedFor, long commit) {
    this(term, votedFor, commit, false, NO_CLUSTER);
  }

  public boolean isEmpty() {
    return equals(EMPTY);
  }
}
