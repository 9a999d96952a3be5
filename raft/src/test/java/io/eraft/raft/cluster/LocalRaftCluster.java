package io.eraft.raft.cluster;

import io.eraft.raft.LeadershipListener;
import io.eraft.raft.RaftConfig;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.node.RaftNode;
import io.eraft.raft.sim.RecordingStateMachine;
import io.eraft.raft.storage.LevelDbLogStore;
import io.eraft.raft.storage.LogStore;
import io.eraft.raft.storage.MemoryLogStore;
import io.eraft.raft.transport.GrpcTransport;
import io.eraft.raft.transport.GrpcTransportOptions;
import io.eraft.raft.transport.Transport;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * A group of real {@link RaftNode}s in this JVM, each with a {@link RecordingStateMachine}: gRPC on
 * 127.0.0.1 (free ports) with LevelDB logs and fsync, or any other {@link Transport} a factory
 * supplies with in-memory logs. Stopping and starting a node keeps its state machine and log
 * directory, as a process restart would. Waits are bounded liveness guards. Not thread-safe.
 */
public final class LocalRaftCluster implements AutoCloseable {
  /** Builds the transport of node {@code id}; for gRPC this is created internally. */
  public interface TransportFactory {
    Transport create(long id);
  }

  private static final Duration LIVENESS = Duration.ofSeconds(30);

  private final int size;
  private final Path dir;
  private final TransportFactory transports;
  private final UnaryOperator<RaftConfig.Builder> tuning;
  private final Map<Long, String> addresses = new HashMap<>();
  private final RecordingStateMachine[] machines;
  private final RaftNode<?>[] nodes;
  private final Server[] servers;
  private final LogStore[] memoryLogs;
  private IntFunction<LeadershipListener> leadershipListeners = i -> (leading, term) -> { };

  private LocalRaftCluster(int size, Path dir, TransportFactory transports, UnaryOperator<RaftConfig.Builder> tuning)
      throws IOException {
    this.size = size;
    this.dir = dir;
    this.transports = transports;
    this.tuning = tuning;
    this.machines = new RecordingStateMachine[size];
    this.nodes = new RaftNode<?>[size];
    this.servers = new Server[size];
    this.memoryLogs = new LogStore[size];
    for (long i = 0; i < size; i++) {
      addresses.put(i, "127.0.0.1:" + FreePorts.pick());
    }
  }

  /** gRPC on 127.0.0.1 and LevelDB logs under {@code dir}, fsync on. */
  public static LocalRaftCluster grpc(int size, Path dir, UnaryOperator<RaftConfig.Builder> tuning) throws IOException {
    return new LocalRaftCluster(size, dir, null, tuning);
  }

  /** The given transports with in-memory logs (nothing is synced). */
  public static LocalRaftCluster inMemory(int size, Path dir, TransportFactory transports,
      UnaryOperator<RaftConfig.Builder> tuning) throws IOException {
    return new LocalRaftCluster(size, dir, transports, tuning);
  }

  /** Gives each node, as it (re)starts, the leadership listener made for its position. */
  public LocalRaftCluster withLeadershipListeners(IntFunction<LeadershipListener> listeners) {
    this.leadershipListeners = listeners;
    return this;
  }

  public LocalRaftCluster startAll() throws IOException {
    for (int i = 0; i < size; i++) {
      machines[i] = new RecordingStateMachine();
      start(i);
    }
    return this;
  }

  public int size() {
    return size;
  }

  public void start(int i) throws IOException {
    RaftConfig config = tuning.apply(RaftConfig.builder()
            .id(i)
            .peers(List.copyOf(addresses.keySet()))
            .dataDir(dir.resolve("node" + i))
            .heartbeatInterval(Duration.ofMillis(50))
            .electionTimeout(Duration.ofMillis(500)))
        .build();
    Transport transport;
    LogStore log;
    if (transports == null) {
      GrpcTransport grpc = new GrpcTransport(i, addresses, GrpcTransportOptions.DEFAULTS, new SimpleMeterRegistry());
      String[] hostPort = addresses.get((long) i).split(":");
      servers[i] = NettyServerBuilder.forAddress(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
          .directExecutor()
          .maxInboundMessageSize(GrpcTransportOptions.DEFAULTS.maxInboundMessageBytes())
          .addService(grpc.service())
          .build()
          .start();
      transport = grpc;
      log = LevelDbLogStore.open(dir.resolve("node" + i).resolve("raft-log"));
    } else {
      transport = transports.create(i);
      if (memoryLogs[i] == null) {
        memoryLogs[i] = new MemoryLogStore();
      }
      log = memoryLogs[i]; // survives restarts: close() is a no-op
    }
    RaftNode<Long> node = RaftNode.<Long>builder()
        .config(config)
        .stateMachine(machines[i])
        .logStore(log)
        .transport(transport)
        .meterRegistry(new SimpleMeterRegistry())
        .build();
    node.addLeadershipListener(leadershipListeners.apply(i));
    nodes[i] = node.start();
  }

  public void stop(int i) {
    if (nodes[i] != null) {
      nodes[i].close();
      nodes[i] = null;
    }
    if (servers[i] != null) {
      servers[i].shutdownNow();
      try {
        servers[i].awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      servers[i] = null;
    }
  }

  /** Replaces node {@code i}'s state machine with an empty one (it replays the whole log). */
  public void resetStateMachine(int i) {
    machines[i] = new RecordingStateMachine();
  }

  @SuppressWarnings("unchecked")
  public RaftNode<Long> node(int i) {
    return (RaftNode<Long>) nodes[i];
  }

  public RecordingStateMachine machine(int i) {
    return machines[i];
  }

  /**
   * Waits until a node leads and every running node votes (a node that was slow to start can be
   * catching up for a moment after the first election); returns the leader.
   */
  public int awaitLeader() throws InterruptedException {
    awaitLeaderAmong(-1);
    awaitCondition(() -> {
      for (int i = 0; i < size; i++) {
        if (nodes[i] != null && !nodes[i].status().isVoter()) {
          return false;
        }
      }
      return true;
    });
    return awaitLeaderAmong(-1);
  }

  /** Waits until a running node other than {@code excluded} leads; returns the highest-term one. */
  public int awaitLeaderAmong(int excluded) throws InterruptedException {
    int[] found = {-1};
    awaitCondition(() -> {
      found[0] = -1;
      long bestTerm = -1;
      for (int i = 0; i < size; i++) {
        if (nodes[i] != null && i != excluded) {
          RaftStatus s = nodes[i].status();
          if (s.isLeader() && s.term() > bestTerm) {
            bestTerm = s.term();
            found[0] = i;
          }
        }
      }
      return found[0] >= 0;
    });
    return found[0];
  }

  /** Waits until every node's state machine holds at least {@code commands} commands. */
  public void awaitAllApplied(int commands) throws InterruptedException {
    awaitCondition(() -> {
      for (RecordingStateMachine m : machines) {
        if (m.commands().size() < commands) {
          return false;
        }
      }
      return true;
    });
  }

  public static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + LIVENESS.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + LIVENESS);
      }
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      try {
        stop(i);
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
