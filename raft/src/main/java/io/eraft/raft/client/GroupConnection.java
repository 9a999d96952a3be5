package io.eraft.raft.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A client's connection to one Raft group: an endpoint per server, the {@link LeaderCaller} that
 * finds the leader, and the status fan-out every service's CLI shows. Thread-safe. Owns its gRPC
 * channels when made by {@link #connect}.
 *
 * @param <E> how one server is reached (a service's stub wrapper, or a simulated link in tests)
 */
public final class GroupConnection<E> implements AutoCloseable {
  /** Replies can be large (a value grown by appends, a config with many groups). */
  private static final int MAX_REPLY_BYTES = Integer.MAX_VALUE;

  /** Asks one server for its status; {@code address} and {@code position} identify it in the list. */
  @FunctionalInterface
  public interface StatusProbe<E> {
    CompletableFuture<NodeStatus> probe(E endpoint, int position, String address, Duration timeout);
  }

  private final LeaderCaller<E> caller;
  private final List<ManagedChannel> channels;

  public GroupConnection(List<E> endpoints, List<String> addresses, RetryPolicy policy) {
    this(new LeaderCaller<>(endpoints, addresses, policy), List.of());
  }

  private GroupConnection(LeaderCaller<E> caller, List<ManagedChannel> channels) {
    this.caller = caller;
    this.channels = channels;
  }

  /** Plaintext gRPC channels to {@code addresses}, connecting lazily (a down server is no error here). */
  public static <E> GroupConnection<E> connect(List<String> addresses, RetryPolicy policy,
      Function<ManagedChannel, E> endpoint) {
    List<ManagedChannel> channels = new ArrayList<>();
    List<E> endpoints = new ArrayList<>();
    for (String address : addresses) {
      ManagedChannel channel = NettyChannelBuilder.forTarget(address)
          .usePlaintext()
          .maxInboundMessageSize(MAX_REPLY_BYTES)
          // Answers complete futures only, which never blocks: run them on the network thread
          // instead of handing each one to gRPC's default executor (a thread switch per call).
          .directExecutor()
          .build();
      channels.add(channel);
      endpoints.add(endpoint.apply(channel));
    }
    return new GroupConnection<>(new LeaderCaller<>(endpoints, addresses, policy), List.copyOf(channels));
  }

  public LeaderCaller<E> caller() {
    return caller;
  }

  /** Every server's status, in address order; one that does not answer within {@code timeout} is Offline. */
  public List<NodeStatus> status(Duration timeout, StatusProbe<E> probe) {
    List<CompletableFuture<NodeStatus>> answers = new ArrayList<>();
    for (int i = 0; i < caller.endpoints().size(); i++) {
      answers.add(probe.probe(caller.endpoints().get(i), i, caller.addresses().get(i), timeout)
          .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }
    List<NodeStatus> rows = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      try {
        rows.add(answers.get(i).join());
      } catch (RuntimeException e) {
        rows.add(new NodeStatus(i, caller.addresses().get(i), NodeStatus.OFFLINE, 0, 0, 0, 0));
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
