package io.eraft.raft.core;

/**
 * Answer to {@link AppendEntries}. On success the follower's log matches the leader's through
 * {@code index}. On failure {@code index} is the rejected {@code prevLogIndex}, and
 * {@code conflictIndex}/{@code conflictTerm} let the leader skip a whole divergent term at once
 * (etcd's reject hint): the follower's highest index at or below {@code min(prevLogIndex, its last
 * index)} whose term is at most the request's {@code prevLogTerm}, and the follower's term there.
 * {@code recovering} says the follower lost state it may once have acknowledged (it is
 * {@linkplain Standing#RECOVERING recovering}): the leader must forget what it knew of its log.
 */
public record AppendEntriesResponse(
    long from,
    long to,
    long term,
    boolean success,
    long index,
    long conflictIndex,
    long conflictTerm,
    long readRound,
    boolean recovering,
    long callId)
    implements RaftMessage {
  @Override
  public AppendEntriesResponse withCallId(long callId) {
    return new AppendEntriesResponse(from, to, term, success, index, conflictIndex, conflictTerm, readRound,
        recovering, callId);
  }
}
