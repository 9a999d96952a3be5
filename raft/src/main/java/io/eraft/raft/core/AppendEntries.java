package io.eraft.raft.core;

import java.util.List;

/**
 * AppendEntries RPC (figure 2). With no entries it is a heartbeat. {@code readRound} is the
 * leader's ReadIndex round at send time; a response echoing it confirms the leader was still
 * leader when the round began. A non-zero {@code restoreIndex} tells a {@linkplain
 * Standing#RECOVERING recovering} follower whose log matches the leader's through that index that
 * it then holds everything it could once have helped commit, and may vote again. {@code clusterId}
 * is the leader's ({@link RaftCore#clusterId()}).
 */
public record AppendEntries(
    long from,
    long to,
    long term,
    long prevLogIndex,
    long prevLogTerm,
    List<Entry> entries,
    long leaderCommit,
    long readRound,
    long restoreIndex,
    long clusterId,
    long callId)
    implements RaftMessage {
  public AppendEntries {
    entries = List.copyOf(entries);
    long previousTerm = prevLogTerm;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.index() != prevLogIndex + 1 + i) {
        throw new IllegalArgumentException("entries must follow prevLogIndex " + prevLogIndex + " contiguously");
      }
      if (e.term() < previousTerm || e.term() > term) {
        throw new IllegalArgumentException("entry " + e.index() + " has term " + e.term()
            + " outside [" + previousTerm + ", " + term + "]");
      }
      previousTerm = e.term();
    }
  }

  /** Index of the last entry carried, or {@code prevLogIndex} for a heartbeat. */
  public long lastIndex() {
    return prevLogIndex + entries.size();
  }

  @Override
  public AppendEntries withCallId(long callId) {
    return new AppendEntries(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit, readRound, restoreIndex,
        clusterId, callId);
  }
}
