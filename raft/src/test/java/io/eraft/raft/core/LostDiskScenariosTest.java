package io.eraft.raft.core;

import static io.eraft.raft.sim.SimCluster.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.protobuf.ByteString;
import io.eraft.raft.sim.SimCluster;
import io.eraft.raft.sim.SimSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nodes that restart on an empty disk (a replaced disk, or a node started without its data
 * directory): they catch up, never vote before the leader restores them, and no committed entry is
 * lost — even one that only the leader and the node that lost its disk held. The safety checker
 * remembers every vote across the loss, so a second vote in one term fails the run.
 */
class LostDiskScenariosTest {
  @RegisterExtension final SimSeeds seeds = new SimSeeds();

  private SimCluster cluster(int servers) {
    return new SimCluster(SimCluster.Options.of(servers, seeds.next()).withMaxFsyncDelayMs(3).withAsyncWrites(true));
  }

  @Test
  void followerThatLostItsDiskCatchesUpAndVotesAgain() {
    SimCluster c = cluster(3);
    long last = commitSome(c, 20, 3);
    int follower = (c.checkOneLeader() + 1) % 3;
    c.restartWithEmptyDisk(follower);
    last = Math.max(last, commitSome(c, 10, 2));
    c.waitCommitted(last, 3, -1);
    c.awaitAllVoters();
    c.checkLogs();
  }

  @Test
  void leaderThatLostItsDiskRejoinsAsFollower() {
    SimCluster c = cluster(3);
    commitSome(c, 20, 3);
    int oldLeader = c.checkOneLeader();
    c.restartWithEmptyDisk(oldLeader);
    long last = commitSome(c, 10, 2);
    assertNotEquals(oldLeader, c.checkOneLeader(), "a node that lost its disk must not lead before it is restored");
    c.waitCommitted(last, 3, -1);
    c.awaitAllVoters();
    c.checkLogs();
  }

  @Test
  void snapshotCatchUpAfterLostDisk() {
    SimCluster c = new SimCluster(SimCluster.Options.of(3, seeds.next()).withSnapshotInterval(10)
        .withMaxFsyncDelayMs(3).withAsyncWrites(true));
    commitSome(c, 45, 3);
    int follower = (c.checkOneLeader() + 2) % 3;
    long installedBefore = c.snapshotsInstalled();
    c.restartWithEmptyDisk(follower);
    long last = commitSome(c, 5, 2);
    c.waitCommitted(last, 3, -1);
    c.awaitAllVoters();
    assertNotEquals(installedBefore, c.snapshotsInstalled(), "the compacted log can only come back by snapshot");
  }

  /**
   * The dangerous case: an entry committed by the leader and one follower only; that follower
   * loses its disk and the leader crashes. The third node lacks the entry, so it must not win an
   * election with the forgetful node's vote — the group waits for the old leader instead.
   */
  @Test
  void entryHeldOnlyByLeaderAndLostDiskSurvives() {
    SimCluster c = cluster(3);
    commitSome(c, 5, 3);
    int leader = c.checkOneLeader();
    int follower = (leader + 1) % 3;
    int lagging = (leader + 2) % 3;
    c.disconnect(lagging);
    ByteString precious = command(c.random().nextLong());
    long index = c.one(precious, 2, true);

    c.crash(leader);
    c.restartWithEmptyDisk(follower);
    c.connect(lagging);
    c.runFor(5_000);
    c.checkNoLeader();

    c.restart(leader);
    c.one(command(c.random().nextLong()), 3, true);
    assertEquals(precious, c.waitCommitted(index, 3, -1));
    c.awaitAllVoters();
    c.checkLogs();
  }

  @Test
  void twoOfFiveLoseTheirDisksAtOnce() {
    SimCluster c = cluster(5);
    commitSome(c, 20, 5);
    int leader = c.checkOneLeader();
    c.restartWithEmptyDisk((leader + 1) % 5);
    c.restartWithEmptyDisk((leader + 3) % 5);
    long last = commitSome(c, 10, 3);
    c.waitCommitted(last, 5, -1);
    c.awaitAllVoters();
    c.checkLogs();
  }

  /** A node cannot tell a brand-new group from one it lost its disk in until every peer answered. */
  @Test
  void newGroupElectsItsFirstLeaderOnceEveryNodeStarted() {
    SimCluster c = cluster(3);
    c.crash(2);
    c.runFor(5_000);
    c.checkNoLeader();
    c.restart(2);
    c.one(command(1), 3, true);
    c.awaitAllVoters();
  }

  private static long commitSome(SimCluster c, int commands, int expectedServers) {
    long last = 0;
    for (int i = 0; i < commands; i++) {
      last = c.one(command(c.random().nextLong()), expectedServers, true);
    }
    return last;
  }
}
