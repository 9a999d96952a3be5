package io.eraft.raft.client;

import io.eraft.raft.server.GroupService;
import io.eraft.raft.server.ReplicaStatus;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client's connection to one Raft group: an endpoint per server, the {@link LeaderCaller} that
 * finds the leader, the default deadline of a command, and the status fan-out every service's CLI
 * shows. A service's client extends it with its sessions (clerks), which share it. Thread-safe.
 * Owns its gRPC channels when made over a {@link GroupService}.
 *
 * @param <Q> the service's command request
 * @param <P> the service's command reply
 */
public abstract class GroupClient<Q, P> implements AutoCloseable {
  /** Replies can be large (a value grown by appends, a config with many groups). */
  private static final int MAX_REPLY_BYTES = Integer.MAX_VALUE;

  private final LeaderCaller<GroupEndpoint<Q, P>> caller;
  private final List<ManagedChannel> channels;
  private final Duration deadline;

  /** Over given endpoints (simulated ones in tests); owns no channels. */
  protected GroupClient(List<? extends GroupEndpoint<Q, P>> endpoints, List<String> addresses, RetryPolicy policy,
      Duration deadline) {
    this(List.copyOf(endpoints), List.of(), addresses, policy, deadline);
  }

  /** Over plaintext gRPC channels to {@code addresses}, connecting lazily (a down server is no error here). */
  protected GroupClient(GroupService<Q, P> service, List<String> addresses, RetryPolicy policy, Duration deadline) {
    this(channels(addresses), service, addresses, policy, deadline);
  }

  private GroupClient(List<ManagedChannel> channels, GroupService<Q, P> service, List<String> addresses,
      RetryPolicy policy, Duration deadline) {
    this(channels.stream().map(service::endpoint).toList(), channels, addresses, policy, deadline);
  }

  private GroupClient(List<GroupEndpoint<Q, P>> endpoints, List<ManagedChannel> channels, List<String> addresses,
      RetryPolicy policy, Duration deadline) {
    this.caller = new LeaderCaller<>(endpoints, addresses, policy);
    this.channels = channels;
    this.deadline = deadline;
  }

  private static List<ManagedChannel> channels(List<String> addresses) {
    List<ManagedChannel> channels = new ArrayList<>();
    for (String address : addresses) {
      channels.add(NettyChannelBuilder.forTarget(address)
          .usePlaintext()
          .maxInboundMessageSize(MAX_REPLY_BYTES)
          // Answers complete futures only, which never blocks: run them on the network thread
          // instead of handing each one to gRPC's default executor (a thread switch per call).
          .directExecutor()
          .build());
    }
    return List.copyOf(channels);
  }

  /** The default deadline of one command, retries included. */
  public final Duration deadline() {
    return deadline;
  }

  /** Finds the leader for the sessions' commands. */
  public final LeaderCaller<GroupEndpoint<Q, P>> caller() {
    return caller;
  }

  /** Every server's status, in address order; one that does not answer within {@code timeout} is Offline. */
  public final List<NodeStatus> status(Duration timeout) {
    List<CompletableFuture<ReplicaStatus>> answers = new ArrayList<>();
    for (GroupEndpoint<Q, P> endpoint : caller.endpoints()) {
      answers.add(endpoint.status(timeout).orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }
    List<NodeStatus> rows = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      String address = caller.addresses().get(i);
      try {
        ReplicaStatus s = answers.get(i).join();
        rows.add(new NodeStatus(s.id(), address, s.role(), s.standing(), s.term(), s.lastApplied(),
            s.commitIndex(), s.storageBytes()));
      } catch (RuntimeException e) {
        rows.add(NodeStatus.offline(i, address));
      }
    }
    return rows;
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel channel : channels) {
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
