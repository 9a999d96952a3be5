package io.eraft.raft.core;

import static io.eraft.raft.sim.SimCluster.command;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.eraft.raft.sim.SimCluster;
import io.eraft.raft.sim.SimSeeds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * eRaft's persistence tests (2C), on virtual time through the deterministic core. Crashes lose
 * every write not yet fsynced; the fsync delay is random, so crashes land mid-write too.
 */
class PersistenceScenariosTest {
  private static final long ELECTION_TIMEOUT_MS = 1000;

  @RegisterExtension final SimSeeds seeds = new SimSeeds();

  private SimCluster cluster(int servers) {
    return new SimCluster(SimCluster.Options.of(servers, seeds.next()).withMaxFsyncDelayMs(3).withAsyncWrites(true));
  }

  @Test
  void persist1() {
    int servers = 3;
    SimCluster c = cluster(servers);
    c.one(command(11), servers, true);

    for (int i = 0; i < servers; i++) {
      c.restart(i);
    }
    for (int i = 0; i < servers; i++) {
      c.disconnect(i);
      c.connect(i);
    }
    c.one(command(12), servers, true);

    int leader1 = c.checkOneLeader();
    c.disconnect(leader1);
    c.restart(leader1);
    c.connect(leader1);
    c.one(command(13), servers, true);

    int leader2 = c.checkOneLeader();
    c.disconnect(leader2);
    long index14 = c.one(command(14), servers - 1, true);
    c.restart(leader2);
    c.connect(leader2);

    c.waitCommitted(index14, servers, -1); // leader2 rejoins before i3 is killed

    int i3 = (c.checkOneLeader() + 1) % servers;
    c.disconnect(i3);
    c.one(command(15), servers - 1, true);
    c.restart(i3);
    c.connect(i3);

    c.one(command(16), servers, true);
  }

  @Test
  void persist2() {
    int servers = 5;
    SimCluster c = cluster(servers);
    int index = 1;
    for (int iter = 0; iter < 5; iter++) {
      c.one(command(10 + index++), servers, true);

      int leader1 = c.checkOneLeader();
      c.disconnect((leader1 + 1) % servers);
      c.disconnect((leader1 + 2) % servers);
      c.one(command(10 + index++), servers - 2, true);

      c.disconnect((leader1 + 0) % servers);
      c.disconnect((leader1 + 3) % servers);
      c.disconnect((leader1 + 4) % servers);

      c.restart((leader1 + 1) % servers);
      c.restart((leader1 + 2) % servers);
      c.connect((leader1 + 1) % servers);
      c.connect((leader1 + 2) % servers);

      c.runFor(ELECTION_TIMEOUT_MS);

      c.restart((leader1 + 3) % servers);
      c.connect((leader1 + 3) % servers);
      c.one(command(10 + index++), servers - 2, true);

      c.connect((leader1 + 4) % servers);
      c.connect((leader1 + 0) % servers);
    }
    c.one(command(1000), servers, true);
  }

  @Test
  void persist3() {
    int servers = 3;
    SimCluster c = cluster(servers);
    c.one(command(101), 3, true);

    int leader = c.checkOneLeader();
    c.disconnect((leader + 2) % servers);
    c.one(command(102), 2, true);

    c.crash((leader + 0) % servers);
    c.crash((leader + 1) % servers);
    c.connect((leader + 2) % servers);
    c.restart((leader + 0) % servers);
    c.connect((leader + 0) % servers);
    c.one(command(103), 2, true);

    c.restart((leader + 1) % servers);
    c.connect((leader + 1) % servers);
    c.one(command(104), servers, true);
  }

  /** Raft paper figure 8: leaders crash right after appending; only current-term entries commit. */
  @Test
  void figure8() {
    int servers = 5;
    SimCluster c = cluster(servers);
    c.one(command(c.random().nextLong()), 1, true);

    int up = servers;
    for (int iter = 0; iter < 1000; iter++) {
      int leader = -1;
      for (int i = 0; i < servers; i++) {
        if (c.isUp(i) && c.start(i, command(c.random().nextLong())).accepted()) {
          leader = i;
        }
      }
      if (c.random().nextInt(1000) < 100) {
        c.runFor(c.random().nextInt((int) (ELECTION_TIMEOUT_MS / 2)));
      } else {
        c.runFor(c.random().nextInt(13));
      }
      if (leader != -1) {
        c.crash(leader);
        up--;
      }
      if (up < 3) {
        int s = c.random().nextInt(servers);
        if (!c.isUp(s)) {
          c.restart(s);
          c.connect(s);
          up++;
        }
      }
    }
    for (int i = 0; i < servers; i++) {
      if (!c.isUp(i)) {
        c.restart(i);
        c.connect(i);
      }
    }
    c.one(command(c.random().nextLong()), servers, true);
    c.checkLogs();
  }

  @Test
  void unreliableAgree() {
    int servers = 5;
    SimCluster c = cluster(servers);
    c.setUnreliable(true);
    // eRaft runs four concurrent one() calls per iteration; here they are offered together and
    // then each must commit on at least one server.
    for (int iter = 1; iter < 50; iter++) {
      List<ByteString> concurrent = new ArrayList<>();
      List<Long> indexes = new ArrayList<>();
      for (int j = 0; j < 4; j++) {
        ByteString cmd = command(100L * iter + j);
        concurrent.add(cmd);
        indexes.add(offer(c, servers, cmd));
      }
      c.one(command(iter), 1, true);
      for (int j = 0; j < 4; j++) {
        long index = indexes.get(j);
        ByteString cmd = concurrent.get(j);
        // As eRaft's one(): if the offered copy did not commit within 2 s, offer it again.
        if (index < 0 || !c.runUntil(() -> cmd.equals(c.nCommitted(index).command()), 2_000)) {
          c.one(cmd, 1, true);
        }
      }
    }
    c.setUnreliable(false);
    c.one(command(100), servers, true);
  }

  @Test
  void figure8Unreliable() {
    int servers = 5;
    SimCluster c = cluster(servers);
    c.setUnreliable(true);
    c.one(command(c.random().nextInt(10000)), 1, true);

    int up = servers;
    for (int iter = 0; iter < 1000; iter++) {
      if (iter == 200) {
        c.setLongReordering(true);
      }
      int leader = -1;
      for (int i = 0; i < servers; i++) {
        if (c.start(i, command(c.random().nextInt(10000))).accepted() && c.isConnected(i)) {
          leader = i;
        }
      }
      if (c.random().nextInt(1000) < 100) {
        c.runFor(c.random().nextInt((int) (ELECTION_TIMEOUT_MS / 2)));
      } else {
        c.runFor(c.random().nextInt(13));
      }
      if (leader != -1 && c.random().nextInt(1000) < ELECTION_TIMEOUT_MS / 2) {
        c.disconnect(leader);
        up--;
      }
      if (up < 3) {
        int s = c.random().nextInt(servers);
        if (!c.isConnected(s)) {
          c.connect(s);
          up++;
        }
      }
    }
    for (int i = 0; i < servers; i++) {
      c.connect(i);
    }
    c.one(command(c.random().nextInt(10000)), servers, true);
    c.checkLogs();
  }

  @Test
  void reliableChurn() {
    churn(false);
  }

  @Test
  void unreliableChurn() {
    churn(true);
  }

  /**
   * Three clients offer commands to every server while nodes are disconnected, crashed and
   * restarted at random; every command a client saw committed must be in the final log.
   */
  private void churn(boolean unreliable) {
    int servers = 5;
    SimCluster c = cluster(servers);
    c.setUnreliable(unreliable);
    ChurnClients clients = new ChurnClients(c, servers, 3);
    for (int iter = 0; iter < 20; iter++) {
      if (c.random().nextInt(1000) < 200) {
        c.disconnect(c.random().nextInt(servers));
      }
      if (c.random().nextInt(1000) < 500) {
        int i = c.random().nextInt(servers);
        if (!c.isUp(i)) {
          c.restart(i);
        }
        c.connect(i);
      }
      if (c.random().nextInt(1000) < 200) {
        c.crash(c.random().nextInt(servers));
      }
      clients.runFor(ELECTION_TIMEOUT_MS * 7 / 10);
    }
    clients.runFor(ELECTION_TIMEOUT_MS);
    c.setUnreliable(false);
    for (int i = 0; i < servers; i++) {
      if (!c.isUp(i)) {
        c.restart(i);
      }
      c.connect(i);
    }
    clients.settle();
    c.runFor(ELECTION_TIMEOUT_MS);

    long lastIndex = c.one(command(c.random().nextLong()), servers, true);
    Set<ByteString> really = new HashSet<>();
    for (long index = 1; index <= lastIndex; index++) {
      really.add(c.waitCommitted(index, servers, -1));
    }
    for (ByteString v : clients.committedValues()) {
      assertTrue(really.contains(v), "didn't find a value a client saw committed");
    }
    c.checkLogs();
  }

  /** Offers {@code cmd} to each connected server until one leads; returns its index or -1. */
  private static long offer(SimCluster c, int servers, ByteString cmd) {
    for (int i = 0; i < servers; i++) {
      if (c.isConnected(i)) {
        ProposeResult r = c.start(i, cmd);
        if (r.accepted()) {
          return r.firstIndex();
        }
      }
    }
    return -1;
  }
}
