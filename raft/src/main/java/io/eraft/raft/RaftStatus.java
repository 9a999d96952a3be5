package io.eraft.raft;

import io.eraft.raft.core.Role;
import io.eraft.raft.core.Standing;

/**
 * A node's state as eRaft's {@code GetStatus} reports it, plus what operators need beside it.
 * Immutable; published by the raft loop after every cycle.
 *
 * @param storageBytes bytes of the Raft log on disk (the state machine adds its own)
 * @param standing whether the node votes, or is still finding out whether its group exists, or is
 *     catching up after it lost its data
 * @param failure why the node stopped (fail-stop), or null while it runs
 */
public record RaftStatus(
    long id, Role role, long term, long leaderId, long commitIndex, long lastApplied, long lastLogIndex,
    long storageBytes, Standing standing, String failure) {
  public boolean isLeader() {
    return role == Role.LEADER;
  }

  public boolean hasLeader() {
    return leaderId >= 0;
  }

  public boolean isVoter() {
    return standing == Standing.VOTER;
  }
}
