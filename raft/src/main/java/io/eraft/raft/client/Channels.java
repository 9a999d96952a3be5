package io.eraft.raft.client;

import io.eraft.raft.trace.TracingClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A client's plaintext gRPC channels, one per server address, on threads of their own
 * ({@link ClientEventLoops}): reused by every call to that server, closed when the server is no
 * longer wanted ({@link #closeAllExcept}) and all at {@link #close()}. Channels connect lazily, so
 * opening one never fails on a down server. A call made where a trace is current carries it
 * ({@link TracingClientInterceptor}). Thread-safe.
 */
public final class Channels implements AutoCloseable {
  /** Replies can be large (a value grown by appends, a config with many groups, a page of a shard). */
  private static final int MAX_REPLY_BYTES = Integer.MAX_VALUE;
  private static final long CLOSE_WAIT_SECONDS = 5;

  private final ClientEventLoops eventLoops = new ClientEventLoops();
  private final Map<String, ManagedChannel> open = new HashMap<>(); // guarded by this
  private boolean closed; // guarded by this

  /**
   * The channel to {@code address}, opened on first use. After {@link #close()} a new channel is
   * shut at once, so calls on it fail.
   */
  public synchronized ManagedChannel channel(String address) {
    ManagedChannel channel = open.get(address);
    if (channel != null) {
      return channel;
    }
    channel = eventLoops.use(NettyChannelBuilder.forTarget(address))
        .usePlaintext()
        .maxInboundMessageSize(MAX_REPLY_BYTES)
        .intercept(new TracingClientInterceptor())
        // Answers complete futures only, which never blocks: run them on the network thread
        // instead of handing each one to gRPC's default executor (a thread switch per call).
        .directExecutor()
        .build();
    if (closed) {
      channel.shutdownNow();
    } else {
      open.put(address, channel);
    }
    return channel;
  }

  /** Closes the channels to every address not in {@code wanted} (servers that left); calls on them fail. */
  public void closeAllExcept(Set<String> wanted) {
    List<ManagedChannel> unwanted;
    synchronized (this) {
      unwanted = open.entrySet().stream().filter(e -> !wanted.contains(e.getKey())).map(Map.Entry::getValue).toList();
      open.keySet().retainAll(wanted);
    }
    unwanted.forEach(ManagedChannel::shutdownNow);
  }

  @Override
  public void close() {
    List<ManagedChannel> channels;
    synchronized (this) {
      closed = true;
      channels = List.copyOf(open.values());
      open.clear();
    }
    channels.forEach(ManagedChannel::shutdownNow);
    try {
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      eventLoops.close();
    }
  }
}
