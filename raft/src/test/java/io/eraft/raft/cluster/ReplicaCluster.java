package io.eraft.raft.cluster;

import io.eraft.raft.RaftConfig;
import io.eraft.raft.server.ReplicaServer;
import io.eraft.raft.storage.LevelDbStateMachine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.stream.LongStream;

/**
 * Replicas of one service, each a real {@link ReplicaServer} (gRPC, LevelDB, fsync) in this JVM on
 * a free port of 127.0.0.1, with fast Raft timing (heartbeats 50 ms, elections after 500 ms). A
 * stopped replica keeps its directory, so starting it again is a restart. Not thread-safe: the
 * test thread drives it. {@link #close} stops every running replica.
 *
 * @param <M> the service's state machine
 */
public final class ReplicaCluster<M extends LevelDbStateMachine<?>> implements AutoCloseable {
  /** Starts one replica of the service (e.g. {@code KvReplica::start} with its options bound). */
  @FunctionalInterface
  public interface Starter<M extends LevelDbStateMachine<?>> {
    ReplicaServer<M> start(RaftConfig config, List<String> addresses) throws IOException;
  }

  private final Path dir;
  private final Starter<M> starter;
  private final List<String> addresses = new ArrayList<>();
  /** The running replica at each position, or null. */
  private final List<ReplicaServer<M>> replicas = new ArrayList<>();

  private ReplicaCluster(int size, Path dir, Starter<M> starter) throws IOException {
    this.dir = dir;
    this.starter = starter;
    for (int i = 0; i < size; i++) {
      addresses.add("127.0.0.1:" + FreePorts.pick());
      replicas.add(null);
    }
  }

  /** Starts {@code size} replicas; replica i keeps its data under {@code dir/node<i>}. */
  public static <M extends LevelDbStateMachine<?>> ReplicaCluster<M> start(int size, Path dir, Starter<M> starter)
      throws IOException {
    ReplicaCluster<M> cluster = new ReplicaCluster<>(size, dir, starter);
    try {
      for (int i = 0; i < size; i++) {
        cluster.start(i);
      }
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public int size() {
    return addresses.size();
  }

  public List<String> addresses() {
    return Collections.unmodifiableList(addresses);
  }

  /** Starts replica {@code i} (again) from its directory. */
  public void start(int i) throws IOException {
    RaftConfig config = RaftConfig.builder()
        .id(i)
        .peers(LongStream.range(0, size()).boxed().toList())
        .dataDir(dir.resolve("node" + i))
        .heartbeatInterval(Duration.ofMillis(50))
        .electionTimeout(Duration.ofMillis(500))
        .build();
    replicas.set(i, starter.start(config, addresses));
  }

  /** Stops replica {@code i}, keeping its directory. */
  public void stop(int i) {
    replica(i).close();
    replicas.set(i, null);
  }

  /** Running replica {@code i}. */
  public ReplicaServer<M> replica(int i) {
    return Objects.requireNonNull(replicas.get(i), () -> "replica " + i + " is not running");
  }

  /** Every running replica. */
  public List<ReplicaServer<M>> running() {
    return replicas.stream().filter(Objects::nonNull).toList();
  }

  /** Waits (a liveness guard) until a running replica leads; returns its position. */
  public int leader() throws InterruptedException {
    int[] found = {-1};
    LocalRaftCluster.awaitCondition(() -> {
      for (int i = 0; i < size(); i++) {
        if (replicas.get(i) != null && replicas.get(i).node().status().isLeader()) {
          found[0] = i;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  @Override
  public void close() {
    for (int i = 0; i < size(); i++) {
      if (replicas.get(i) != null) {
        stop(i);
      }
    }
  }
}
