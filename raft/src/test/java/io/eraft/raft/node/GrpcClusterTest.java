package io.eraft.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.eraft.raft.ProposalFailedException;
import io.eraft.raft.RaftConfig;
import io.eraft.raft.RaftNode;
import io.eraft.raft.RaftStatus;
import io.eraft.raft.sim.RecordingStateMachine;
import io.eraft.raft.storage.LevelDbLogStore;
import io.eraft.raft.transport.GrpcTransport;
import io.eraft.raft.transport.GrpcTransportOptions;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real node driver on real threads: three {@link RaftNode}s on LevelDB logs with fsync,
 * talking gRPC on 127.0.0.1. Time bounds here are liveness guards, not speed checks.
 */
class GrpcClusterTest {
  private static final Duration LIVENESS = Duration.ofSeconds(30);
  private static final int SERVERS = 3;

  @TempDir Path dir;
  private final Map<Long, String> addresses = new HashMap<>();
  private final RecordingStateMachine[] machines = new RecordingStateMachine[SERVERS];
  private final RaftNode<?>[] nodes = new RaftNode<?>[SERVERS];
  private final Server[] servers = new Server[SERVERS];
  private long snapshotThreshold = 64L << 20;

  @AfterEach
  void stopAll() {
    for (int i = 0; i < SERVERS; i++) {
      stop(i);
    }
  }

  @Test
  void electsOneLeaderAndReplicatesInOrder() throws Exception {
    startCluster();
    int leader = awaitLeader();
    List<CompletableFuture<Long>> applied = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      applied.add(node(leader).propose(command(i)));
    }
    for (CompletableFuture<Long> f : applied) {
      f.get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    }
    awaitAllApplied(200);
    for (int i = 0; i < SERVERS; i++) {
      assertEquals(machines[leader].commands(), machines[i].commands(), "node " + i + " applied a different log");
    }
  }

  @Test
  void followersRefuseProposalsAndReadsNamingTheLeader() throws Exception {
    startCluster();
    int leader = awaitLeader();
    int follower = (leader + 1) % SERVERS;
    awaitCondition(() -> node(follower).status().leaderId() == leader);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> node(follower).propose(command(1)).get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
    ProposalFailedException failure = (ProposalFailedException) e.getCause();
    assertEquals(ProposalFailedException.Reason.NOT_LEADER, failure.reason());
    assertEquals(leader, failure.leaderHint());
    ExecutionException read = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> node(follower).readIndex().get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
    assertEquals(ProposalFailedException.Reason.NOT_LEADER, ((ProposalFailedException) read.getCause()).reason());
  }

  @Test
  void readIndexCoversEveryCompletedWrite() throws Exception {
    startCluster();
    int leader = awaitLeader();
    long written = node(leader).propose(command(7)).get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    long readPoint = node(leader).readIndex().get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    assertTrue(readPoint >= written, "read index " + readPoint + " misses write at " + written);
    assertTrue(machines[leader].applied().index() >= readPoint);
  }

  @Test
  void newLeaderTakesOverAndRestartedNodeCatchesUp() throws Exception {
    startCluster();
    int leader = awaitLeader();
    proposeAll(leader, 0, 50);
    stop(leader);
    int next = awaitLeaderAmong(leader);
    assertNotEquals(leader, next);
    proposeAll(next, 50, 100);
    start(leader);
    awaitAllApplied(100);
    assertEquals(machines[next].commands(), machines[leader].commands());
  }

  @Test
  void followerBehindTheCompactedLogCatchesUpThroughASnapshot() throws Exception {
    snapshotThreshold = 4096;
    startCluster();
    int leader = awaitLeader();
    int lagging = (leader + 1) % SERVERS;
    stop(lagging);
    proposeAll(leader, 0, 2000);
    start(lagging);
    awaitAllApplied(2000);
    assertTrue(machines[lagging].snapshotsInstalled() > 0, "the lagging follower never installed a snapshot");
    assertEquals(machines[leader].commands(), machines[lagging].commands());
  }

  @Test
  void wholeClusterRestartKeepsEveryAcknowledgedWrite() throws Exception {
    startCluster();
    int leader = awaitLeader();
    proposeAll(leader, 0, 100);
    for (int i = 0; i < SERVERS; i++) {
      stop(i);
    }
    for (int i = 0; i < SERVERS; i++) {
      machines[i] = new RecordingStateMachine(); // state machines replay the whole log
      start(i);
    }
    int newLeader = awaitLeader();
    proposeAll(newLeader, 100, 101);
    awaitAllApplied(101);
    for (int i = 0; i < 101; i++) {
      assertEquals(command(i), machines[newLeader].commands().get(i));
    }
  }

  // ---- harness -----------------------------------------------------------------------------

  private void startCluster() throws IOException {
    for (long i = 0; i < SERVERS; i++) {
      addresses.put(i, "127.0.0.1:" + freePort());
    }
    for (int i = 0; i < SERVERS; i++) {
      machines[i] = new RecordingStateMachine();
      start(i);
    }
  }

  private void start(int i) throws IOException {
    RaftConfig config = RaftConfig.builder()
        .id(i)
        .peers(List.copyOf(addresses.keySet()))
        .dataDir(dir.resolve("node" + i))
        .heartbeatInterval(Duration.ofMillis(50))
        .electionTimeout(Duration.ofMillis(500))
        .snapshotThresholdBytes(snapshotThreshold)
        .compactionRetainEntries(10)
        .build();
    GrpcTransport transport = new GrpcTransport(i, addresses, GrpcTransportOptions.DEFAULTS, new SimpleMeterRegistry());
    String[] hostPort = addresses.get((long) i).split(":");
    servers[i] = NettyServerBuilder.forAddress(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
        .directExecutor()
        .maxInboundMessageSize(GrpcTransportOptions.DEFAULTS.maxInboundMessageBytes())
        .addService(transport.service())
        .build()
        .start();
    nodes[i] = RaftNode.<Long>builder()
        .config(config)
        .stateMachine(machines[i])
        .logStore(LevelDbLogStore.open(dir.resolve("node" + i).resolve("raft-log")))
        .transport(transport)
        .meterRegistry(new SimpleMeterRegistry())
        .build()
        .start();
  }

  private void stop(int i) {
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

  @SuppressWarnings("unchecked")
  private RaftNode<Long> node(int i) {
    return (RaftNode<Long>) nodes[i];
  }

  private void proposeAll(int leader, int from, int to) throws Exception {
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    for (int i = from; i < to; i++) {
      futures.add(node(leader).propose(command(i)));
    }
    for (CompletableFuture<Long> f : futures) {
      f.get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private int awaitLeader() throws InterruptedException {
    return awaitLeaderAmong(-1);
  }

  /** Waits until exactly one running node (other than {@code excluded}) leads; returns it. */
  private int awaitLeaderAmong(int excluded) throws InterruptedException {
    int[] found = {-1};
    awaitCondition(() -> {
      found[0] = -1;
      long bestTerm = -1;
      for (int i = 0; i < SERVERS; i++) {
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

  private void awaitAllApplied(int commands) throws InterruptedException {
    awaitCondition(() -> {
      for (RecordingStateMachine m : machines) {
        if (m.commands().size() < commands) {
          return false;
        }
      }
      return true;
    });
  }

  private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + LIVENESS.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + LIVENESS);
      }
      Thread.sleep(10);
    }
  }

  private static ByteString command(int i) {
    return ByteString.copyFromUtf8("command-" + i);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
