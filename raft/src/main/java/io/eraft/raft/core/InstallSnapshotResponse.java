package io.eraft.raft.core;

/**
 * Answer to {@link InstallSnapshot}: the follower's log now matches the leader's through
 * {@code matchIndex} (the snapshot's index if installed, its commit index if it already had more).
 */
public record InstallSnapshotResponse(long from, long to, long term, long matchIndex, long callId)
    implements RaftMessage {
  @Override
  public InstallSnapshotResponse withCallId(long callId) {
    return new InstallSnapshotResponse(from, to, term, matchIndex, callId);
  }
}
