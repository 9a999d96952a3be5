package io.eraft.raft.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.eraft.raft.ProposalFailedException;
import io.eraft.raft.cluster.LocalRaftCluster;
import io.eraft.raft.sim.SimNetwork;
import io.eraft.raft.sim.SimSeeds;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real node driver (raft loop, apply thread, ticker) under network faults: three
 * {@code RaftNode}s on a {@link SimNetwork} that drops, duplicates, delays and reorders messages,
 * partitions nodes and kills them. Time bounds are liveness guards.
 */
class FaultyNetworkTest {
  private static final int SERVERS = 3;

  @RegisterExtension final SimSeeds seeds = new SimSeeds();
  @TempDir Path dir;
  private SimNetwork network;
  private LocalRaftCluster cluster;

  @AfterEach
  void stopAll() {
    if (cluster != null) {
      cluster.close();
    }
    if (network != null) {
      network.close();
    }
  }

  private LocalRaftCluster start(long snapshotThresholdBytes) throws Exception {
    network = new SimNetwork(seeds.next());
    network.setLongDelays(false);
    cluster = LocalRaftCluster.inMemory(SERVERS, dir, network::transport,
        b -> b.snapshotThresholdBytes(snapshotThresholdBytes).compactionRetainEntries(5)).startAll();
    return cluster;
  }

  /** Every acknowledged proposal is in every node's log, in the same order, despite faults. */
  @Test
  void acknowledgedProposalsSurviveAnUnreliableNetwork() throws Exception {
    LocalRaftCluster c = start(64L << 20);
    network.setReliable(false);
    network.setDuplicateRate(0.05);
    Set<ByteString> acknowledged = proposeWithRetries(c, 0, 150);
    network.setReliable(true);
    network.setDuplicateRate(0);
    int leader = c.awaitLeader();
    c.node(leader).propose(command(-1)).get(30, TimeUnit.SECONDS);
    assertConverged(c, acknowledged);
  }

  /**
   * A leader cut off from the others must neither confirm reads nor commit; the majority elects a
   * new leader whose log wins once the partition heals.
   */
  @Test
  void isolatedLeaderServesNoReadsAndLosesItsUncommittedEntries() throws Exception {
    LocalRaftCluster c = start(64L << 20);
    int old = c.awaitLeader();
    c.node(old).propose(command(0)).get(30, TimeUnit.SECONDS);
    network.partition(Set.of((long) old));
    CompletableFuture<Long> staleRead = c.node(old).readIndex();
    CompletableFuture<Long> lostWrite = c.node(old).propose(command(1));

    int fresh = c.awaitLeaderAmong(old);
    c.node(fresh).propose(command(2)).get(30, TimeUnit.SECONDS);
    assertNeverSucceeds(staleRead);
    network.heal();
    c.node(c.awaitLeader()).propose(command(3)).get(30, TimeUnit.SECONDS);
    assertNeverSucceeds(lostWrite);
    LocalRaftCluster.awaitCondition(() -> c.machine(old).commands().contains(command(3)));
    assertFalse(c.machine(old).commands().contains(command(1)), "an entry the isolated leader never committed was applied");
  }

  /** A node killed and restarted (new endpoint, same log) catches up through a snapshot. */
  @Test
  void restartedNodeCatchesUpThroughASnapshotOverLossyLinks() throws Exception {
    LocalRaftCluster c = start(2048);
    int leader = c.awaitLeader();
    int victim = (leader + 1) % SERVERS;
    c.stop(victim);
    Set<ByteString> acknowledged = proposeWithRetries(c, 0, 300);
    network.setReliable(false);
    c.start(victim);
    LocalRaftCluster.awaitCondition(() -> c.machine(victim).snapshotsInstalled() > 0);
    network.setReliable(true);
    c.node(c.awaitLeader()).propose(command(-1)).get(30, TimeUnit.SECONDS);
    assertConverged(c, acknowledged);
  }

  /** Proposes each command until some leader acknowledges it; returns the acknowledged ones. */
  private static Set<ByteString> proposeWithRetries(LocalRaftCluster c, int from, int to) throws Exception {
    Set<ByteString> acknowledged = new HashSet<>();
    for (int i = from; i < to; i++) {
      ByteString cmd = command(i);
      for (int attempt = 0; attempt < 50 && !acknowledged.contains(cmd); attempt++) {
        int leader = c.awaitLeader();
        try {
          c.node(leader).propose(cmd).get(2, TimeUnit.SECONDS);
          acknowledged.add(cmd);
        } catch (ExecutionException | TimeoutException e) {
          // not acknowledged: try again (Raft gives no dedup, so it may end up in the log twice)
        }
      }
      assertTrue(acknowledged.contains(cmd), "command " + i + " never acknowledged");
    }
    return acknowledged;
  }

  private static void assertConverged(LocalRaftCluster c, Set<ByteString> acknowledged) throws Exception {
    try {
      LocalRaftCluster.awaitCondition(() -> {
        List<ByteString> first = c.machine(0).commands();
        for (int i = 1; i < SERVERS; i++) {
          if (!c.machine(i).commands().equals(first)) {
            return false;
          }
        }
        return first.contains(command(-1));
      });
    } catch (AssertionError notConverged) {
      StringBuilder state = new StringBuilder("the nodes did not converge:");
      for (int i = 0; i < SERVERS; i++) {
        state.append("\n  node ").append(i).append(": ").append(c.node(i).status()).append(", ")
            .append(c.machine(i).commands().size()).append(" commands applied");
      }
      throw new AssertionError(state.toString(), notConverged);
    }
    List<ByteString> log = c.machine(0).commands();
    for (ByteString cmd : acknowledged) {
      assertTrue(log.contains(cmd), "acknowledged " + cmd.toStringUtf8() + " is missing");
    }
  }

  private static void assertNeverSucceeds(CompletableFuture<?> future) throws InterruptedException {
    try {
      future.get(3, TimeUnit.SECONDS);
      throw new AssertionError("a request to the isolated leader succeeded");
    } catch (ExecutionException e) {
      assertTrue(e.getCause() instanceof ProposalFailedException, "unexpected failure " + e.getCause());
    } catch (TimeoutException e) {
      // still pending: it never succeeded, which is what matters
    }
  }

  private static ByteString command(int i) {
    return ByteString.copyFromUtf8("c" + i);
  }
}
