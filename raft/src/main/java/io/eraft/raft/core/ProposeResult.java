package io.eraft.raft.core;

/**
 * Outcome of {@link RaftCore#propose}: either the commands were appended at
 * {@code firstIndex, firstIndex + 1, …} in {@code term}, or this node is not the leader. A proposal
 * is only committed if the entry later applied at its index carries the same term.
 */
public record ProposeResult(boolean accepted, long firstIndex, long term, long leaderHint) {
  static ProposeResult notLeader(long leaderHint) {
    return new ProposeResult(false, 0, 0, leaderHint);
  }
}
