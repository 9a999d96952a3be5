package io.eraft.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.sim.SimCluster;
import io.eraft.raft.sim.SimSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** eRaft's leader-election tests (2A), on virtual time through the deterministic core. */
class ElectionScenariosTest {
  private static final long ELECTION_TIMEOUT_MS = 1000;

  @RegisterExtension final SimSeeds seeds = new SimSeeds();

  private SimCluster cluster(int servers) {
    return new SimCluster(SimCluster.Options.of(servers, seeds.next()));
  }

  @Test
  void initialElection() {
    SimCluster c = cluster(3);
    c.checkOneLeader();
    c.runFor(50);
    long term1 = c.checkTerms();
    assertTrue(term1 >= 1, "term is " + term1 + ", but should be at least 1");

    // Without failures the leader and term stay; CheckQuorum and PreVote make this strict.
    c.runFor(2 * ELECTION_TIMEOUT_MS);
    assertEquals(term1, c.checkTerms(), "term changed even though there were no failures");
    c.checkOneLeader();
  }

  @Test
  void reElection() {
    SimCluster c = cluster(3);
    int leader1 = c.checkOneLeader();

    c.disconnect(leader1);
    c.checkOneLeader();

    // The old leader rejoining must not disturb the new one.
    c.connect(leader1);
    int leader2 = c.checkOneLeader();

    // No quorum, no leader.
    c.disconnect(leader2);
    c.disconnect((leader2 + 1) % 3);
    c.runFor(2 * ELECTION_TIMEOUT_MS);
    c.checkNoLeader();

    c.connect((leader2 + 1) % 3);
    c.checkOneLeader();

    c.connect(leader2);
    c.checkOneLeader();
  }

  @Test
  void manyElections() {
    int servers = 7;
    SimCluster c = cluster(servers);
    c.checkOneLeader();
    for (int iter = 1; iter < 10; iter++) {
      int i1 = c.random().nextInt(servers);
      int i2 = c.random().nextInt(servers);
      int i3 = c.random().nextInt(servers);
      c.disconnect(i1);
      c.disconnect(i2);
      c.disconnect(i3);
      // Either the current leader is still alive, or the remaining four elect a new one.
      c.checkOneLeader();
      c.connect(i1);
      c.connect(i2);
      c.connect(i3);
    }
    c.checkOneLeader();
  }
}
