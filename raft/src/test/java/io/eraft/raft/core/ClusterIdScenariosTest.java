package io.eraft.raft.core;

import static io.eraft.raft.sim.SimCluster.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.eraft.raft.sim.SimCluster;
import io.eraft.raft.sim.SimSeeds;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster id ({@link RaftCore#clusterId()}): one per incarnation of a group, named by its first
 * leader, taken by every node whose log matches a leader's, kept across restarts and leader
 * changes, and taken by a node that lost its disk. ({@code SimCluster.awaitAllVoters} checks that
 * all nodes name one id in every lost-disk and randomized run too.)
 */
class ClusterIdScenariosTest {
  @RegisterExtension final SimSeeds seeds = new SimSeeds();

  @Test
  void oneIdSurvivesRestartsLeaderChangesAndALostDisk() {
    SimCluster c = new SimCluster(SimCluster.Options.of(3, seeds.next()).withMaxFsyncDelayMs(3).withAsyncWrites(true));
    c.one(command(1), 3, true);
    c.awaitAllVoters();
    long id = clusterIdOf(c);
    assertNotEquals(HardState.NO_CLUSTER, id);

    for (int i = 0; i < 3; i++) {
      c.restart(i);
    }
    c.one(command(2), 3, true);
    int leader = c.checkOneLeader();
    c.disconnect(leader);
    c.one(command(3), 2, true);
    c.connect(leader);
    c.restartWithEmptyDisk((leader + 1) % 3);
    c.one(command(4), 3, true);
    c.awaitAllVoters();
    assertEquals(id, clusterIdOf(c));
  }

  /** The one id every running node names (awaitAllVoters has checked there is one). */
  private static long clusterIdOf(SimCluster c) {
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      if (c.isUp(i)) {
        ids.add(c.status(i).clusterId());
      }
    }
    assertEquals(1, ids.size(), "cluster ids " + ids);
    return ids.iterator().next();
  }
}
