package io.eraft.raft.core;

/** Answer to {@link RequestVote}; {@code preVote} echoes the request's flag. */
public record RequestVoteResponse(
    long from, long to, long term, boolean voteGranted, boolean preVote, long callId)
    implements RaftMessage {
  @Override
  public RequestVoteResponse withCallId(long callId) {
    return new RequestVoteResponse(from, to, term, voteGranted, preVote, callId);
  }
}
