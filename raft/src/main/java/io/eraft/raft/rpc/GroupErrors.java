package io.eraft.raft.rpc;

/**
 * The error strings every eRaft service answers with when a request must go elsewhere or again:
 * {@code ErrWrongLeader} (nothing was applied; ask the leader, named in {@code leader_address} if
 * known) and {@code ErrTimeout} (the outcome is unknown; ask again with the same ids).
 */
public final class GroupErrors {
  public static final String WRONG_LEADER = "ErrWrongLeader";
  public static final String TIMEOUT = "ErrTimeout";

  private GroupErrors() {}
}
