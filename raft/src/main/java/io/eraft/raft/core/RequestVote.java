package io.eraft.raft.core;

/**
 * RequestVote RPC (figure 2). With {@code preVote} set it is a probe (thesis §9.6): the receiver
 * answers whether it would vote at {@code term} without changing its own term or vote.
 */
public record RequestVote(
    long from, long to, long term, long lastLogIndex, long lastLogTerm, boolean preVote, long callId)
    implements RaftMessage {
  @Override
  public RequestVote withCallId(long callId) {
    return new RequestVote(from, to, term, lastLogIndex, lastLogTerm, preVote, callId);
  }
}
