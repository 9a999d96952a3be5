package io.eraft.shardctrler.client;

import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.raft.client.GroupConnection;
import io.eraft.raft.client.LeaderCaller;
import io.eraft.raft.client.NodeStatus;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.shardctrler.CtrlerError;
import java.time.Duration;
import java.util.List;

/**
 * A connection to the controller cluster; {@link CtrlerClerk} sessions share it. Thread-safe. Owns
 * its gRPC channels when made by {@link #connect}.
 */
public final class CtrlerClient implements AutoCloseable {
  private final GroupConnection<CtrlerEndpoint> group;
  private final Duration deadline;

  /** @param deadline the default deadline of one command, retries included */
  public CtrlerClient(List<CtrlerEndpoint> endpoints, List<String> addresses, RetryPolicy policy, Duration deadline) {
    this(new GroupConnection<>(endpoints, addresses, policy), deadline);
  }

  private CtrlerClient(GroupConnection<CtrlerEndpoint> group, Duration deadline) {
    this.group = group;
    this.deadline = deadline;
  }

  /** Plaintext gRPC channels to {@code addresses}, connecting lazily. */
  public static CtrlerClient connect(List<String> addresses, RetryPolicy policy, Duration deadline) {
    return new CtrlerClient(GroupConnection.connect(addresses, policy, GrpcCtrlerEndpoint::new), deadline);
  }

  /** A new client session: a random client id and its own command numbering. */
  public CtrlerClerk newClerk() {
    return new CtrlerClerk(this);
  }

  Duration deadline() {
    return deadline;
  }

  LeaderCaller<CtrlerEndpoint> caller() {
    return group.caller();
  }

  /** Every replica's status, in address order; one that does not answer in {@code timeout} is Offline. */
  public List<NodeStatus> status(Duration timeout) {
    return group.status(timeout, (endpoint, position, address, t) -> endpoint.status(t).thenApply(s ->
        new NodeStatus(s.getId(), address, s.getState(), s.getTerm(), s.getLastApplied(), s.getCommitIndex(),
            s.getStorageSize())));
  }

  /** Why a reply means "ask another replica", or null if it is the answer. */
  static String retryReason(CommandResponse reply) {
    String err = reply.getErr();
    return CtrlerError.ERR_WRONG_LEADER.wire().equals(err) || CtrlerError.ERR_TIMEOUT.wire().equals(err) ? err : null;
  }

  @Override
  public void close() {
    group.close();
  }
}
