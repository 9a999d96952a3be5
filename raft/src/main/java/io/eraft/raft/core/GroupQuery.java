package io.eraft.raft.core;

/**
 * Sent by an {@link Standing#UNDECIDED} node to each peer: "do you hold any state of this group?"
 * Carries the sender's term for information only; it never changes the receiver's term.
 */
public record GroupQuery(long from, long to, long term, long callId) implements RaftMessage {
  @Override
  public GroupQuery withCallId(long callId) {
    return new GroupQuery(from, to, term, callId);
  }
}
