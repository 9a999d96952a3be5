package io.eraft.raft.core;

/**
 * InstallSnapshot, as the cores see it. The bytes never pass through a core: a leader's core emits
 * this to ask its driver to stream a state-machine snapshot that covers at least
 * {@code lastIncludedIndex}; the follower's driver stages the streamed chunks and, once the last one
 * arrives, steps this message (with the staged snapshot's actual index and term) into its core,
 * which decides whether to install it ({@link Ready#snapshot()}).
 */
public record InstallSnapshot(
    long from, long to, long term, long lastIncludedIndex, long lastIncludedTerm, long callId)
    implements RaftMessage {
  public SnapshotMeta meta() {
    return new SnapshotMeta(lastIncludedIndex, lastIncludedTerm);
  }

  @Override
  public InstallSnapshot withCallId(long callId) {
    return new InstallSnapshot(from, to, term, lastIncludedIndex, lastIncludedTerm, callId);
  }
}
