package io.eraft.raft.core;

/**
 * A message between Raft peers: the three RPCs of the Raft paper and their responses, and the
 * {@link GroupQuery} a node with no state sends before it may vote.
 *
 * <p>{@code callId} is an opaque correlation tag owned by the transport: a receiving transport may
 * stamp it on an inbound request, and the core copies it unchanged into the one response it
 * produces for that request, so a request/response transport (gRPC unary calls) can match them.
 * Messages the core originates carry 0. The core always answers every request exactly once.
 */
public sealed interface RaftMessage
    permits RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse, InstallSnapshot,
        InstallSnapshotResponse, GroupQuery, GroupQueryResponse {
  long from();

  long to();

  long term();

  long callId();

  /** This message with its transport correlation tag replaced. */
  RaftMessage withCallId(long callId);
}
