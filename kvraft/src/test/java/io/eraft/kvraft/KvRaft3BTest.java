package io.eraft.kvraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.kvraft.sim.KvSimCluster;
import io.eraft.raft.sim.SimSeeds;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * eRaft's kvraft tests with snapshots ({@code kvraft/test_test.go}, part 3B; ERAFT-SPEC §7.5),
 * names and parameters kept, over the simulated network ({@link KvSimCluster}). maxraftstate 1000
 * becomes a compaction every 1000 applied entry bytes keeping no entries behind; eRaft's bound of
 * 8 × maxraftstate on the log is checked as is. Our entries are smaller than eRaft's gob-encoded
 * ones, so {@link #testSnapshotRPC3B} also asserts that the logs were compacted and that the
 * lagging server caught up through a snapshot, which eRaft's size bound alone implies.
 */
class KvRaft3BTest {
  private static final int MAX_RAFT_STATE = 1000;

  @RegisterExtension final SimSeeds seeds = new SimSeeds();
  @TempDir Path dir;

  @Test
  void testSnapshotRPC3B() {
    KvHistory history = new KvHistory();
    try (KvSimCluster cluster = KvSimCluster.start(3, false, MAX_RAFT_STATE, seeds.next(), dir)) {
      RecordingClerk ck = new RecordingClerk(cluster.makeClient(cluster.all()).clerk(), 0, history);
      assertTrue(ck.put("a", "A"));
      assertEquals(Optional.of("A"), ck.get("a"));

      // a bunch of puts into the majority partition
      cluster.partition(List.of(0, 1), List.of(2));
      RecordingClerk ck1 = new RecordingClerk(cluster.makeClient(List.of(0, 1)).clerk(), 1, history);
      for (int i = 0; i < 50; i++) {
        assertTrue(ck1.put(String.valueOf(i), String.valueOf(i)));
      }
      assertTrue(ck1.put("b", "B"));

      // the majority has thrown away most of its log, past everything the lagging server holds
      long size = cluster.logSize();
      assertTrue(size <= 8L * MAX_RAFT_STATE, "logs were not trimmed (" + size + " > 8*" + MAX_RAFT_STATE + ")");
      long lagging = cluster.lastLogIndex(2);
      for (int i : List.of(0, 1)) {
        assertTrue(cluster.compactedThrough(i) > lagging, "server " + i + " compacted only through "
            + cluster.compactedThrough(i) + "; server 2 holds entries through " + lagging);
      }

      // a group that needs the lagging server, so that it has to catch up through a snapshot
      cluster.partition(List.of(0, 2), List.of(1));
      RecordingClerk ck2 = new RecordingClerk(cluster.makeClient(List.of(0, 2)).clerk(), 2, history);
      assertTrue(ck2.put("c", "C"));
      assertTrue(ck2.put("d", "D"));
      assertEquals(Optional.of("A"), ck2.get("a"));
      assertEquals(Optional.of("B"), ck2.get("b"));
      assertEquals(Optional.of("1"), ck2.get("1"));
      assertEquals(Optional.of("49"), ck2.get("49"));
      assertTrue(cluster.compactedThrough(2) > lagging, "server 2 did not install a snapshot");

      // now everybody
      cluster.partition(List.of(0, 1, 2), List.of());
      assertTrue(ck.put("e", "E"));
      assertEquals(Optional.of("C"), ck.get("c"));
      assertEquals(Optional.of("E"), ck.get("e"));
      assertEquals(Optional.of("1"), ck.get("1"));
    }
    history.assertLinearizable();
  }

  /** Many overwrites of one key: the logs stay trimmed and the snapshot stays small (≤ 500 bytes). */
  @Test
  void testSnapshotSize3B() {
    int maxSnapshotState = 500;
    KvHistory history = new KvHistory();
    try (KvSimCluster cluster = KvSimCluster.start(3, false, MAX_RAFT_STATE, seeds.next(), dir)) {
      RecordingClerk ck = new RecordingClerk(cluster.makeClient(cluster.all()).clerk(), 0, history);
      for (int i = 0; i < 200; i++) {
        assertTrue(ck.put("x", "0"));
        assertEquals(Optional.of("0"), ck.get("x"));
        assertTrue(ck.put("x", "1"));
        assertEquals(Optional.of("1"), ck.get("x"));
      }
      long size = cluster.logSize();
      assertTrue(size <= 8L * MAX_RAFT_STATE, "logs were not trimmed (" + size + " > 8*" + MAX_RAFT_STATE + ")");
      long snapshot = cluster.snapshotSize();
      assertTrue(snapshot > 0, "no server took a snapshot");
      assertTrue(snapshot <= maxSnapshotState, "snapshot too large (" + snapshot + " > " + maxSnapshotState + ")");
    }
    history.assertLinearizable();
  }

  @Test
  void testSpeed3B() {
    GenericTestSpeed.run(MAX_RAFT_STATE, dir, seeds.next());
  }

  @Test
  void testSnapshotRecover3B() throws Exception {
    new GenericTest(1, 5, false, true, false, MAX_RAFT_STATE, false).run(dir, seeds.next());
  }

  @Test
  void testSnapshotRecoverManyClients3B() throws Exception {
    new GenericTest(20, 5, false, true, false, MAX_RAFT_STATE, false).run(dir, seeds.next());
  }

  @Test
  void testSnapshotUnreliable3B() throws Exception {
    new GenericTest(5, 5, true, false, false, MAX_RAFT_STATE, false).run(dir, seeds.next());
  }

  @Test
  void testSnapshotUnreliableRecover3B() throws Exception {
    new GenericTest(5, 5, true, true, false, MAX_RAFT_STATE, false).run(dir, seeds.next());
  }

  @Test
  void testSnapshotUnreliableRecoverConcurrentPartition3B() throws Exception {
    new GenericTest(5, 5, true, true, true, MAX_RAFT_STATE, false).run(dir, seeds.next());
  }

  @Test
  void testSnapshotUnreliableRecoverConcurrentPartitionLinearizable3B() throws Exception {
    new GenericTest(15, 7, true, true, true, MAX_RAFT_STATE, true).run(dir, seeds.next());
  }
}
