package io.eraft.kvraft.client;

import io.eraft.kvraft.KvError;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.GetStatusResponse;
import io.eraft.raft.client.LeaderCaller;
import io.eraft.raft.client.RetryPolicy;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection to one KV cluster: one endpoint per server and the shared leader hint. Sessions
 * ({@link Clerk}) are cheap and share it, so a load generator runs many clients over a few
 * connections. Thread-safe. Owns its gRPC channels when made by {@link #connect}.
 */
public final class KvClient implements AutoCloseable {
  /** Appends can grow a value past any request limit; a Get must still be able to read it. */
  private static final int MAX_REPLY_BYTES = Integer.MAX_VALUE;

  private final LeaderCaller<KvEndpoint> caller;
  private final List<ManagedChannel> channels;
  private final Duration deadline;

  /**
   * @param deadline the default deadline of one request, retries included
   */
  public KvClient(List<KvEndpoint> endpoints, List<String> addresses, RetryPolicy policy, Duration deadline) {
    this(new LeaderCaller<>(endpoints, addresses, policy), List.of(), deadline);
  }

  private KvClient(LeaderCaller<KvEndpoint> caller, List<ManagedChannel> channels, Duration deadline) {
    this.caller = caller;
    this.channels = channels;
    this.deadline = deadline;
  }

  /** Plaintext gRPC channels to {@code addresses} (connecting lazily, so this never fails on a down server). */
  public static KvClient connect(List<String> addresses, RetryPolicy policy, Duration deadline) {
    List<ManagedChannel> channels = new ArrayList<>();
    List<KvEndpoint> endpoints = new ArrayList<>();
    for (String address : addresses) {
      ManagedChannel channel = NettyChannelBuilder.forTarget(address)
          .usePlaintext()
          .maxInboundMessageSize(MAX_REPLY_BYTES)
          // Answers complete futures only, which never blocks: run them on the network thread
          // instead of handing each one to gRPC's default executor (a thread switch per call).
          .directExecutor()
          .build();
      channels.add(channel);
      endpoints.add(new GrpcKvEndpoint(channel));
    }
    return new KvClient(new LeaderCaller<>(endpoints, addresses, policy), List.copyOf(channels), deadline);
  }

  /** A new client session: a random client id and its own command numbering. */
  public Clerk newClerk() {
    return new Clerk(this);
  }

  Duration deadline() {
    return deadline;
  }

  LeaderCaller<KvEndpoint> caller() {
    return caller;
  }

  /** Every server's status, in address order; a server that does not answer in {@code timeout} is Offline. */
  public List<NodeStatus> status(Duration timeout) {
    List<CompletableFuture<GetStatusResponse>> answers = new ArrayList<>();
    for (KvEndpoint endpoint : caller.endpoints()) {
      answers.add(endpoint.status(timeout).orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }
    List<NodeStatus> rows = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      String address = caller.addresses().get(i);
      GetStatusResponse s;
      try {
        s = answers.get(i).join();
      } catch (RuntimeException e) {
        rows.add(new NodeStatus(i, address, NodeStatus.OFFLINE, 0, 0, 0, 0));
        continue;
      }
      rows.add(new NodeStatus(s.getId(), address, s.getState(), s.getTerm(), s.getLastApplied(), s.getCommitIndex(),
          s.getStorageSize()));
    }
    return rows;
  }

  /** Why a reply means "ask another server", or null if it is the answer. */
  static String retryReason(CommandResponse reply) {
    String err = reply.getErr();
    return KvError.ERR_WRONG_LEADER.wire().equals(err) || KvError.ERR_TIMEOUT.wire().equals(err) ? err : null;
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
