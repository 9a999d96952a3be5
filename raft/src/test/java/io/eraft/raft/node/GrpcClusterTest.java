package io.eraft.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.eraft.raft.ProposalFailedException;
import io.eraft.raft.ProposalFailedException.Reason;
import io.eraft.raft.cluster.LocalRaftCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real node driver on real threads: three {@code RaftNode}s on LevelDB logs with fsync,
 * talking gRPC on 127.0.0.1. Time bounds here are liveness guards, not speed checks.
 */
class GrpcClusterTest {
  private static final long LIVENESS_SECONDS = 30;
  private static final int SERVERS = 3;

  @TempDir Path dir;
  private LocalRaftCluster cluster;

  @AfterEach
  void stopAll() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private LocalRaftCluster start(long snapshotThresholdBytes) throws Exception {
    cluster = LocalRaftCluster.grpc(SERVERS, dir,
        b -> b.snapshotThresholdBytes(snapshotThresholdBytes).compactionRetainEntries(10)).startAll();
    return cluster;
  }

  @Test
  void electsOneLeaderAndReplicatesInOrder() throws Exception {
    LocalRaftCluster c = start(64L << 20);
    int leader = c.awaitLeader();
    proposeAll(leader, 0, 200);
    c.awaitAllApplied(200);
    for (int i = 0; i < SERVERS; i++) {
      assertEquals(c.machine(leader).commands(), c.machine(i).commands(), "node " + i + " applied a different log");
    }
  }

  @Test
  void followersRefuseProposalsAndReadsNamingTheLeader() throws Exception {
    LocalRaftCluster c = start(64L << 20);
    int leader = c.awaitLeader();
    int follower = (leader + 1) % SERVERS;
    LocalRaftCluster.awaitCondition(() -> c.node(follower).status().leaderId() == leader);
    ProposalFailedException failure = failure(c.node(follower).propose(command(1)));
    assertEquals(Reason.NOT_LEADER, failure.reason());
    assertEquals(leader, failure.leaderHint());
    assertEquals(Reason.NOT_LEADER, failure(c.node(follower).readIndex()).reason());
  }

  @Test
  void readIndexCoversEveryCompletedWrite() throws Exception {
    LocalRaftCluster c = start(64L << 20);
    int leader = c.awaitLeader();
    long written = c.node(leader).propose(command(7)).get(LIVENESS_SECONDS, TimeUnit.SECONDS);
    long readPoint = c.node(leader).readIndex().get(LIVENESS_SECONDS, TimeUnit.SECONDS);
    assertTrue(readPoint >= written, "read index " + readPoint + " misses the write at " + written);
    assertTrue(c.machine(leader).applied().index() >= readPoint);
  }

  @Test
  void newLeaderTakesOverAndRestartedNodeCatchesUp() throws Exception {
    LocalRaftCluster c = start(64L << 20);
    int leader = c.awaitLeader();
    proposeAll(leader, 0, 50);
    c.stop(leader);
    int next = c.awaitLeaderAmong(leader);
    assertNotEquals(leader, next);
    proposeAll(next, 50, 100);
    c.start(leader);
    c.awaitAllApplied(100);
    assertEquals(c.machine(next).commands(), c.machine(leader).commands());
  }

  @Test
  void followerBehindTheCompactedLogCatchesUpThroughASnapshot() throws Exception {
    LocalRaftCluster c = start(4096);
    int leader = c.awaitLeader();
    int lagging = (leader + 1) % SERVERS;
    c.stop(lagging);
    proposeAll(leader, 0, 2000);
    c.start(lagging);
    c.awaitAllApplied(2000);
    assertTrue(c.machine(lagging).snapshotsInstalled() > 0, "the lagging follower never installed a snapshot");
    assertEquals(c.machine(leader).commands(), c.machine(lagging).commands());
  }

  @Test
  void wholeClusterRestartKeepsEveryAcknowledgedWrite() throws Exception {
    LocalRaftCluster c = start(64L << 20);
    int leader = c.awaitLeader();
    proposeAll(leader, 0, 100);
    for (int i = 0; i < SERVERS; i++) {
      c.stop(i);
    }
    for (int i = 0; i < SERVERS; i++) {
      c.resetStateMachine(i); // each replays its whole log from disk
      c.start(i);
    }
    int newLeader = c.awaitLeader();
    proposeAll(newLeader, 100, 101);
    c.awaitAllApplied(101);
    for (int i = 0; i < 101; i++) {
      assertEquals(command(i), c.machine(newLeader).commands().get(i));
    }
  }

  private void proposeAll(int leader, int from, int to) throws Exception {
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    for (int i = from; i < to; i++) {
      futures.add(cluster.node(leader).propose(command(i)));
    }
    for (CompletableFuture<Long> f : futures) {
      f.get(LIVENESS_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static ProposalFailedException failure(CompletableFuture<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(LIVENESS_SECONDS, TimeUnit.SECONDS));
    return (ProposalFailedException) e.getCause();
  }

  private static ByteString command(int i) {
    return ByteString.copyFromUtf8("command-" + i);
  }
}
