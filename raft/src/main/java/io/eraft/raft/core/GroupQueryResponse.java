package io.eraft.raft.core;

/**
 * Answer to {@link GroupQuery}. {@code groupExists} is false only if the responder's log is empty
 * (no entry, no snapshot) and it is not recovering; {@code term} is its current term, which a new
 * voter must not vote in (see {@code GroupDiscovery}); {@code clusterId} names the group
 * incarnation the responder belongs to ({@link HardState#NO_CLUSTER} if it does not know), so a
 * replica can tell that its data directory is left from another one. Never changes the receiver's
 * term.
 */
public record GroupQueryResponse(long from, long to, long term, boolean groupExists, long clusterId, long callId)
    implements RaftMessage {
  @Override
  public GroupQueryResponse withCallId(long callId) {
    return new GroupQueryResponse(from, to, term, groupExists, clusterId, callId);
  }
}
