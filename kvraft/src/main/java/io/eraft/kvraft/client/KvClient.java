package io.eraft.kvraft.client;

import io.eraft.kvraft.KvError;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.raft.client.GroupConnection;
import io.eraft.raft.client.LeaderCaller;
import io.eraft.raft.client.NodeStatus;
import io.eraft.raft.client.RetryPolicy;
import java.time.Duration;
import java.util.List;

/**
 * A connection to one KV cluster: one endpoint per server and the shared leader hint. Sessions
 * ({@link Clerk}) are cheap and share it, so a load generator runs many clients over a few
 * connections. Thread-safe. Owns its gRPC channels when made by {@link #connect}.
 */
public final class KvClient implements AutoCloseable {
  private final GroupConnection<KvEndpoint> group;
  private final Duration deadline;

  /**
   * @param deadline the default deadline of one request, retries included
   */
  public KvClient(List<KvEndpoint> endpoints, List<String> addresses, RetryPolicy policy, Duration deadline) {
    this(new GroupConnection<>(endpoints, addresses, policy), deadline);
  }

  private KvClient(GroupConnection<KvEndpoint> group, Duration deadline) {
    this.group = group;
    this.deadline = deadline;
  }

  /** Plaintext gRPC channels to {@code addresses} (connecting lazily, so this never fails on a down server). */
  public static KvClient connect(List<String> addresses, RetryPolicy policy, Duration deadline) {
    return new KvClient(GroupConnection.connect(addresses, policy, GrpcKvEndpoint::new), deadline);
  }

  /** A new client session: a random client id and its own command numbering. */
  public Clerk newClerk() {
    return new Clerk(this);
  }

  Duration deadline() {
    return deadline;
  }

  LeaderCaller<KvEndpoint> caller() {
    return group.caller();
  }

  /** Every server's status, in address order; a server that does not answer in {@code timeout} is Offline. */
  public List<NodeStatus> status(Duration timeout) {
    return group.status(timeout, (endpoint, position, address, t) -> endpoint.status(t).thenApply(s ->
        new NodeStatus(s.getId(), address, s.getState(), s.getTerm(), s.getLastApplied(), s.getCommitIndex(),
            s.getStorageSize())));
  }

  /** Why a reply means "ask another server", or null if it is the answer. */
  static String retryReason(CommandResponse reply) {
    String err = reply.getErr();
    return KvError.ERR_WRONG_LEADER.wire().equals(err) || KvError.ERR_TIMEOUT.wire().equals(err) ? err : null;
  }

  @Override
  public void close() {
    group.close();
  }
}
