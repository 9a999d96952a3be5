package io.eraft.raft.core;

import static io.eraft.raft.sim.SimCluster.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.eraft.raft.sim.SimCluster;
import io.eraft.raft.sim.SimSeeds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * eRaft's log-agreement tests (2B), on virtual time through the deterministic core.
 *
 * <p>One deliberate difference from eRaft: a new leader appends a no-op entry (thesis §6.4, needed
 * for ReadIndex and to commit earlier terms' entries without waiting for a client). Where eRaft
 * asserts an absolute index ("expected index 2"), these tests assert the same thing relative to
 * the leader's log: the command lands right after what the leader already holds.
 */
class AgreementScenariosTest {
  private static final long ELECTION_TIMEOUT_MS = 1000;

  @RegisterExtension final SimSeeds seeds = new SimSeeds();

  private SimCluster cluster(int servers) {
    return new SimCluster(SimCluster.Options.of(servers, seeds.next()));
  }

  @Test
  void basicAgree() {
    int servers = 3;
    SimCluster c = cluster(servers);
    int leader = c.checkOneLeader();
    long expected = c.status(leader).lastIndex() + 1; // after the leader's no-op
    for (int i = 1; i <= 3; i++) {
      assertEquals(0, c.nCommitted(expected).count(), "some have committed before Start()");
      long index = c.one(command(i * 100), servers, false);
      assertEquals(expected, index, "got index " + index + " but expected " + expected);
      expected++;
    }
  }

  /** Each command is sent to each peer about once: counts bytes on the wire. */
  @Test
  void rpcBytes() {
    int servers = 3;
    SimCluster c = cluster(servers);
    long first = c.one(command(99), servers, false);
    long bytes0 = c.bytesTotal();
    long sent = 0;
    for (int i = 1; i <= 10; i++) {
      ByteString cmd = randomBytes(c, 5000);
      long index = c.one(cmd, servers, false);
      assertEquals(first + i, index);
      sent += cmd.size();
    }
    long got = c.bytesTotal() - bytes0;
    long expected = servers * sent;
    assertTrue(got <= expected + 50_000, "too many RPC bytes; got " + got + ", expected " + expected);
  }

  @Test
  void failAgree() {
    int servers = 3;
    SimCluster c = cluster(servers);
    c.one(command(101), servers, false);

    int leader = c.checkOneLeader();
    c.disconnect((leader + 1) % servers);
    // The leader and the remaining follower agree despite the disconnected follower.
    c.one(command(102), servers - 1, false);
    c.one(command(103), servers - 1, false);
    c.runFor(ELECTION_TIMEOUT_MS);
    c.one(command(104), servers - 1, false);
    c.one(command(105), servers - 1, false);

    c.connect((leader + 1) % servers);
    // The full set keeps earlier agreements and agrees on new commands.
    c.one(command(106), servers, true);
    c.runFor(ELECTION_TIMEOUT_MS);
    c.one(command(107), servers, true);
  }

  @Test
  void failNoAgree() {
    int servers = 5;
    SimCluster c = cluster(servers);
    c.one(command(10), servers, false);

    int leader = c.checkOneLeader();
    c.disconnect((leader + 1) % servers);
    c.disconnect((leader + 2) % servers);
    c.disconnect((leader + 3) % servers);

    long before = c.status(leader).lastIndex();
    ProposeResult r = c.start(leader, command(20));
    assertTrue(r.accepted(), "leader rejected Start()");
    assertEquals(before + 1, r.firstIndex());

    c.runFor(2 * ELECTION_TIMEOUT_MS);
    assertEquals(0, c.nCommitted(r.firstIndex()).count(), "committed without a majority");

    c.connect((leader + 1) % servers);
    c.connect((leader + 2) % servers);
    c.connect((leader + 3) % servers);

    // The disconnected majority may have elected a leader among themselves, forgetting the entry.
    int leader2 = c.checkOneLeader();
    ProposeResult r2 = c.start(leader2, command(30));
    assertTrue(r2.accepted(), "leader2 rejected Start()");
    assertTrue(r2.firstIndex() >= r.firstIndex() && r2.firstIndex() <= r.firstIndex() + 2,
        "unexpected index " + r2.firstIndex());
    c.one(command(1000), servers, true);
  }

  @Test
  void concurrentStarts() {
    int servers = 3;
    SimCluster c = cluster(servers);
    for (int attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) {
        c.runFor(3000);
      }
      int leader = c.checkOneLeader();
      ProposeResult first = c.start(leader, command(1));
      if (!first.accepted()) {
        continue;
      }
      // Five Starts with no time passing between them: all in one term, all must commit.
      List<Long> indexes = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ProposeResult r = c.start(leader, command(100 + i));
        if (r.accepted() && r.term() == first.term()) {
          indexes.add(r.firstIndex());
        }
      }
      List<ByteString> committed = new ArrayList<>();
      boolean termChanged = false;
      for (long index : indexes) {
        ByteString cmd = c.waitCommitted(index, servers, first.term());
        if (cmd == null) {
          termChanged = true;
          break;
        }
        committed.add(cmd);
      }
      if (termChanged) {
        continue;
      }
      for (int i = 0; i < 5; i++) {
        assertTrue(committed.contains(command(100 + i)), "cmd " + (100 + i) + " missing");
      }
      return;
    }
    fail("term changed too often");
  }

  @Test
  void rejoin() {
    int servers = 3;
    SimCluster c = cluster(servers);
    c.one(command(101), servers, true);

    int leader1 = c.checkOneLeader();
    c.disconnect(leader1);
    // The partitioned old leader appends entries it can never commit.
    c.start(leader1, command(102));
    c.start(leader1, command(103));
    c.start(leader1, command(104));

    c.one(command(103), 2, true);

    int leader2 = c.checkOneLeader();
    c.disconnect(leader2);
    c.connect(leader1);
    c.one(command(104), 2, true);

    c.connect(leader2);
    c.one(command(105), servers, true);
  }

  /** The leader backs up quickly over long divergent follower logs. */
  @Test
  void backup() {
    int servers = 5;
    SimCluster c = cluster(servers);
    c.one(command(c.random().nextLong()), servers, true);

    int leader1 = c.checkOneLeader();
    c.disconnect((leader1 + 2) % servers);
    c.disconnect((leader1 + 3) % servers);
    c.disconnect((leader1 + 4) % servers);
    for (int i = 0; i < 50; i++) {
      c.start(leader1, command(c.random().nextLong()));
    }
    c.runFor(ELECTION_TIMEOUT_MS / 2);

    c.disconnect((leader1 + 0) % servers);
    c.disconnect((leader1 + 1) % servers);
    c.connect((leader1 + 2) % servers);
    c.connect((leader1 + 3) % servers);
    c.connect((leader1 + 4) % servers);
    for (int i = 0; i < 50; i++) {
      c.one(command(c.random().nextLong()), 3, true);
    }

    int leader2 = c.checkOneLeader();
    int other = (leader1 + 2) % servers;
    if (leader2 == other) {
      other = (leader2 + 1) % servers;
    }
    c.disconnect(other);
    for (int i = 0; i < 50; i++) {
      c.start(leader2, command(c.random().nextLong()));
    }
    c.runFor(ELECTION_TIMEOUT_MS / 2);

    for (int i = 0; i < servers; i++) {
      c.disconnect(i);
    }
    c.connect((leader1 + 0) % servers);
    c.connect((leader1 + 1) % servers);
    c.connect(other);
    for (int i = 0; i < 50; i++) {
      c.one(command(c.random().nextLong()), 3, true);
    }

    for (int i = 0; i < servers; i++) {
      c.connect(i);
    }
    c.one(command(c.random().nextLong()), servers, true);
  }

  /** RPC counts stay low: elections, agreement and idleness each cost what they should. */
  @Test
  void count() {
    int servers = 3;
    SimCluster c = cluster(servers);
    c.checkOneLeader();
    long total1 = c.rpcTotal();
    assertTrue(total1 >= 1 && total1 <= 30, "too many or few RPCs (" + total1 + ") to elect initial leader");

    long total2 = 0;
    boolean success = false;
    attempts:
    for (int attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) {
        c.runFor(3000);
      }
      int leader = c.checkOneLeader();
      total1 = c.rpcTotal();
      int iters = 10;
      ProposeResult start = c.start(leader, command(1));
      if (!start.accepted()) {
        continue;
      }
      List<ByteString> cmds = new ArrayList<>();
      for (int i = 1; i < iters + 2; i++) {
        ByteString x = command(c.random().nextInt(Integer.MAX_VALUE));
        cmds.add(x);
        ProposeResult r = c.start(leader, x);
        if (!r.accepted() || r.term() != start.term()) {
          continue attempts;
        }
        assertEquals(start.firstIndex() + i, r.firstIndex(), "Start() failed");
      }
      for (int i = 1; i < iters + 1; i++) {
        ByteString cmd = c.waitCommitted(start.firstIndex() + i, servers, start.term());
        if (cmd == null) {
          continue attempts;
        }
        assertEquals(cmds.get(i - 1), cmd, "wrong value committed for index " + (start.firstIndex() + i));
      }
      for (int j = 0; j < servers; j++) {
        if (c.status(j).term() != start.term()) {
          continue attempts;
        }
      }
      total2 = c.rpcTotal();
      assertTrue(total2 - total1 <= (iters + 1 + 3) * 3,
          "too many RPCs (" + (total2 - total1) + ") for " + iters + " entries");
      success = true;
      break;
    }
    assertTrue(success, "term changed too often");

    c.runFor(ELECTION_TIMEOUT_MS);
    long total3 = c.rpcTotal();
    assertTrue(total3 - total2 <= 3 * 20, "too many RPCs (" + (total3 - total2) + ") for 1 second of idleness");
  }

  private static ByteString randomBytes(SimCluster c, int n) {
    byte[] b = new byte[n];
    c.random().nextBytes(b);
    return ByteString.copyFrom(b);
  }
}
