package io.eraft.raft.core;

import static io.eraft.raft.sim.SimCluster.command;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.sim.SimCluster;
import io.eraft.raft.sim.SimSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * eRaft's snapshot tests (2D), on virtual time through the deterministic core: every node compacts
 * its log each 10 applied entries, so a lagging or restarted follower must catch up through
 * InstallSnapshot, and no node's log may grow past eRaft's {@code MAXLOGSIZE}.
 */
class SnapshotScenariosTest {
  private static final long SNAPSHOT_INTERVAL = 10;
  private static final long MAX_LOG_SIZE = 2000;

  @RegisterExtension final SimSeeds seeds = new SimSeeds();

  @Test
  void snapshotBasic() {
    snapCommon(false, true, false);
  }

  @Test
  void snapshotInstall() {
    snapCommon(true, true, false);
  }

  @Test
  void snapshotInstallUnreliable() {
    snapCommon(true, false, false);
  }

  @Test
  void snapshotInstallCrash() {
    snapCommon(false, true, true);
  }

  @Test
  void snapshotInstallUnCrash() {
    snapCommon(false, false, true);
  }

  private void snapCommon(boolean disconnect, boolean reliable, boolean crash) {
    int servers = 3;
    SimCluster c = new SimCluster(SimCluster.Options.of(servers, seeds.next())
        .withSnapshotInterval(SNAPSHOT_INTERVAL).withMaxFsyncDelayMs(3).withAsyncWrites(true));
    c.setUnreliable(!reliable);
    c.one(command(c.random().nextLong()), servers, true);
    int leader1 = c.checkOneLeader();

    for (int i = 0; i < 30; i++) {
      int victim = (leader1 + 1) % servers;
      int sender = leader1;
      if (i % 3 == 1) {
        sender = (leader1 + 1) % servers;
        victim = leader1;
      }
      if (disconnect) {
        c.disconnect(victim);
        c.one(command(c.random().nextLong()), servers - 1, true);
      }
      if (crash) {
        c.crash(victim);
        c.one(command(c.random().nextLong()), servers - 1, true);
      }
      // Enough entries to force a snapshot while the victim is away.
      for (int j = 0; j < SNAPSHOT_INTERVAL + 1; j++) {
        c.start(sender, command(c.random().nextLong()));
      }
      c.one(command(c.random().nextLong()), servers - 1, true);
      assertTrue(c.maxLogSize() < MAX_LOG_SIZE, "log size too large: " + c.maxLogSize());

      if (disconnect) {
        c.connect(victim);
        c.one(command(c.random().nextLong()), servers, true);
        leader1 = c.checkOneLeader();
      }
      if (crash) {
        c.restart(victim);
        c.connect(victim);
        c.one(command(c.random().nextLong()), servers, true);
        leader1 = c.checkOneLeader();
      }
    }
    c.checkLogs();
    if (disconnect || crash) {
      assertTrue(c.snapshotsInstalled() > 0, "no follower ever caught up through InstallSnapshot");
    }
  }
}
