package io.eraft.raft.client;

import io.eraft.raft.rpc.GroupEndpoint;
import io.eraft.raft.rpc.GroupService;
import io.eraft.raft.rpc.ReplicaStatus;
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
 * Owns its gRPC channels when made over a {@link GroupService}, including those it opens to leaders
 * that servers named and the address list lacked.
 *
 * @param <Q> the service's command request
 * @param <P> the service's command reply
 */
public abstract class GroupClient<Q, P> implements AutoCloseable {
  /** Replies can be large (a value grown by appends, a config with many groups). */
  private static final int MAX_REPLY_BYTES = Integer.MAX_VALUE;

  private final GroupService<Q, P> service;
  /** The threads of the channels this client owns; null when it owns none. */
  private final ClientEventLoops eventLoops;
  private final LeaderCaller<GroupEndpoint<Q, P>> caller;
  private final Duration deadline;
  private final List<ManagedChannel> channels = new ArrayList<>(); // guarded by this
  private boolean closed; // guarded by this

  /** Over given endpoints (simulated ones in tests); owns no channels and calls only these servers. */
  protected GroupClient(List<? extends GroupEndpoint<Q, P>> endpoints, List<String> addresses, RetryPolicy policy,
      Duration deadline) {
    this.service = null;
    this.eventLoops = null;
    this.caller = new LeaderCaller<>(List.copyOf(endpoints), addresses, policy);
    this.deadline = deadline;
  }

  /**
   * Over plaintext gRPC channels to {@code addresses}, connecting lazily (a down server is no error
   * here); a leader a server names that {@code addresses} lacks gets a channel too.
   */
  protected GroupClient(GroupService<Q, P> service, List<String> addresses, RetryPolicy policy, Duration deadline) {
    this.service = service;
    this.eventLoops = new ClientEventLoops();
    this.caller = new LeaderCaller<>(addresses.stream().map(this::connect).toList(), addresses, this::connect,
        policy);
    this.deadline = deadline;
  }

  /** A new channel's endpoint; after {@link #close()} the channel is shut at once, so calls on it fail. */
  private GroupEndpoint<Q, P> connect(String address) {
    ManagedChannel channel = eventLoops.use(NettyChannelBuilder.forTarget(address))
        .usePlaintext()
        .maxInboundMessageSize(MAX_REPLY_BYTES)
        // Answers complete futures only, which never blocks: run them on the network thread
        // instead of handing each one to gRPC's default executor (a thread switch per call).
        .directExecutor()
        .build();
    synchronized (this) {
      if (closed) {
        channel.shutdownNow();
      } else {
        channels.add(channel);
      }
    }
    return service.endpoint(channel);
  }

  /** The default deadline of one command, retries included. */
  public final Duration deadline() {
    return deadline;
  }

  /** Finds the leader for the sessions' commands. */
  public final LeaderCaller<GroupEndpoint<Q, P>> caller() {
    return caller;
  }

  /**
   * Every server's status, in address order (servers added by following a leader last); one that
   * does not answer within {@code timeout} is Offline, with the reason.
   */
  public final List<NodeStatus> status(Duration timeout) {
    List<GroupEndpoint<Q, P>> endpoints = caller.endpoints();
    List<String> addresses = caller.addresses();
    List<CompletableFuture<ReplicaStatus>> answers = new ArrayList<>();
    for (GroupEndpoint<Q, P> endpoint : endpoints) {
      answers.add(endpoint.status(timeout).orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }
    List<NodeStatus> rows = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      String address = addresses.get(i);
      try {
        ReplicaStatus s = answers.get(i).join();
        rows.add(new NodeStatus(s.id(), address, s.role(), s.standing(), s.term(), s.lastApplied(),
            s.commitIndex(), s.storageBytes(), ""));
      } catch (RuntimeException e) {
        rows.add(NodeStatus.offline(i, address, AttemptFailure.of(e, timeout).text()));
      }
    }
    return rows;
  }

  @Override
  public void close() {
    List<ManagedChannel> open;
    synchronized (this) {
      closed = true;
      open = List.copyOf(channels);
    }
    open.forEach(ManagedChannel::shutdownNow);
    try {
      for (ManagedChannel channel : open) {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (eventLoops != null) {
        eventLoops.close();
      }
    }
  }
}
