package io.eraft.raft.core;

import static io.eraft.raft.sim.SimCluster.command;

import io.eraft.raft.sim.SimCluster;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded runs of the core (TESTING.md §3.5–3.7). Each seed picks a cluster size, flow
 * control and snapshot settings, an fsync delay and network faults (drop, duplicate, reorder, long
 * delay), then injects crashes with lost unflushed writes, lost disks (a node restarts with no
 * state at all; never a majority before they are restored), disconnections and partitions while
 * clients propose and read. {@link io.eraft.raft.sim.SafetyChecker} checks every event; after the
 * faults heal, a leader must emerge and commit a new command on every node, and every node that
 * lost its disk must be a voter again, within a bound.
 *
 * <p>{@code -Draft.sim.seeds=N} sets the number of seeds (default 10,000); {@code -Draft.sim.seed=S}
 * replays one.
 */
class RandomizedSimulationTest {
  private static final int DEFAULT_SEEDS = 10_000;

  @Test
  void randomizedFaultsKeepRaftSafeAndLive() {
    String fixed = System.getProperty("raft.sim.seed");
    if (fixed != null) {
      runSeed(Long.parseLong(fixed));
      return;
    }
    int seeds = Integer.getInteger("raft.sim.seeds", DEFAULT_SEEDS);
    long base = ThreadLocalRandom.current().nextLong();
    LongStream.range(0, seeds).parallel().forEach(k -> runSeed(base + k));
  }

  private static void runSeed(long seed) {
    try {
      simulate(seed);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("simulation seed " + seed + " failed: " + e.getMessage()
          + "\nreplay with: mvn -B -pl raft -am test -Dtest=RandomizedSimulationTest -Draft.sim.seed=" + seed
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dsim.log.level=INFO", e);
    }
  }

  private static void simulate(long seed) {
    Random r = new Random(seed);
    int servers = r.nextBoolean() ? 3 : 5;
    SimCluster.Options options = SimCluster.Options.of(servers, seed)
        .withElection(r.nextInt(4) != 0, r.nextInt(4) != 0)
        .withSnapshotInterval(r.nextBoolean() ? 0 : 5 + r.nextInt(30))
        .withMaxFsyncDelayMs(r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(8))
        .withFlowControl(64 + r.nextInt(4096), 1 + r.nextInt(16))
        .withAsyncWrites(r.nextBoolean());
    SimCluster c = new SimCluster(options);
    c.faults().setReliable(r.nextBoolean());
    c.faults().setDuplicateRate(r.nextInt(3) == 0 ? r.nextDouble() * 0.1 : 0);
    c.faults().setLongReordering(r.nextInt(5) == 0);
    c.faults().setLongDelays(r.nextBoolean());

    long nextRead = 1;
    int steps = 20 + r.nextInt(20);
    for (int step = 0; step < steps; step++) {
      int node = r.nextInt(servers);
      switch (r.nextInt(11)) {
        case 0 -> c.crash(node);
        case 10 -> {
          // Disks are lost only while the nodes that cannot vote (lost disks not yet restored, and
          // nodes that never joined) stay fewer than a majority: beyond that, acknowledged data may
          // exist nowhere else, and no protocol can recover it or elect a leader.
          Set<Integer> nonVoters = c.nonVoters();
          nonVoters.add(node);
          if (nonVoters.size() < servers / 2 + 1) {
            c.restartWithEmptyDisk(node);
          }
        }
        case 1 -> c.restart(node);
        case 2 -> c.disconnect(node);
        case 3 -> c.connect(node);
        case 4 -> c.partition(randomSide(r, servers));
        case 5 -> c.heal();
        case 6 -> c.readIndex(node, nextRead++);
        default -> {
          for (int i = 0, n = 1 + r.nextInt(5); i < n; i++) {
            c.start(r.nextInt(servers), command(r.nextLong()));
          }
        }
      }
      c.runFor(r.nextInt(300));
    }

    // Liveness: with faults healed, a leader emerges and commits on every node.
    c.heal();
    c.faults().setReliable(true);
    c.faults().setLongReordering(false);
    c.faults().setDuplicateRate(0);
    for (int i = 0; i < servers; i++) {
      if (!c.isUp(i)) {
        c.restart(i);
      }
    }
    c.one(command(r.nextLong()), servers, true);
    c.awaitAllVoters();
    c.checkLogs();
  }

  private static Set<Integer> randomSide(Random r, int servers) {
    Set<Integer> side = new HashSet<>();
    int size = 1 + r.nextInt(servers / 2 + 1);
    while (side.size() < size) {
      side.add(r.nextInt(servers));
    }
    return side;
  }
}
