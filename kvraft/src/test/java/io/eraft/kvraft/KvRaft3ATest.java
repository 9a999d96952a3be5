package io.eraft.kvraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.eraft.kvraft.client.Clerk;
import io.eraft.kvraft.sim.KvSimCluster;
import io.eraft.raft.sim.SimSeeds;
import io.eraft.raft.sim.service.SimClient;
import io.eraft.raft.sim.service.SpawnedClients;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * eRaft's kvraft tests without snapshots ({@code kvraft/test_test.go}, part 3A; ERAFT-SPEC §7.5),
 * names and parameters kept, over the simulated network ({@link KvSimCluster}). Each run draws a
 * seed, printed on failure; {@code -Draft.sim.seed=N} replays its faults. Where these differ from
 * eRaft, see {@link GenericTest} and {@link #testOnePartition3A}.
 */
class KvRaft3ATest {
  @RegisterExtension final SimSeeds seeds = new SimSeeds();
  @TempDir Path dir;

  @Test
  void testBasic3A() throws Exception {
    new GenericTest(1, 5, false, false, false, -1, false).run(dir, seeds.next());
  }

  @Test
  void testSpeed3A() {
    GenericTestSpeed.run(-1, dir, seeds.next());
  }

  @Test
  void testConcurrent3A() throws Exception {
    new GenericTest(5, 5, false, false, false, -1, false).run(dir, seeds.next());
  }

  @Test
  void testUnreliable3A() throws Exception {
    new GenericTest(5, 5, true, false, false, -1, false).run(dir, seeds.next());
  }

  /**
   * Five clerks append ten values each to one key over an unreliable network: all there, once,
   * each clerk's in order. As in eRaft the calls are not recorded for the linearizability check:
   * fifty concurrent appends to one key read once at the end make its search exponential.
   */
  @Test
  void testUnreliableOneKey3A() throws Exception {
    int clients = 5;
    int upto = 10;
    try (KvSimCluster cluster = KvSimCluster.start(3, true, -1, seeds.next(), dir)) {
      Clerk ck = cluster.makeClient(cluster.all()).clerk();
      ck.put("k", "");
      List<Clerk> clerks = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        clerks.add(cluster.makeClient(cluster.all()).clerk());
      }
      List<AppendLog> appends;
      try (SpawnedClients<AppendLog> spawned = SpawnedClients.start(clients, i -> {
        AppendLog log = new AppendLog(i);
        while (log.count() < upto) {
          clerks.get(i).append("k", log.next());
          log.record(true);
        }
        return log;
      })) {
        appends = spawned.awaitAll();
      }
      AppendLog.check(ck.get("k"), appends);
    }
  }

  /**
   * The leader is put in a minority: the majority makes progress, while a Put and a Get sent to the
   * minority must not complete — both asserted, before and after the majority's own writes (eRaft's
   * Get check is a non-blocking select that asserts nothing) — and both complete once healed.
   */
  @Test
  void testOnePartition3A() throws Exception {
    KvHistory history = new KvHistory();
    try (KvSimCluster cluster = KvSimCluster.start(5, false, -1, seeds.next(), dir)) {
      RecordingClerk ck = new RecordingClerk(cluster.makeClient(cluster.all()).clerk(), 0, history);
      assertTrue(ck.put("1", "13"));

      // progress in majority
      KvSimCluster.Partition p = cluster.makePartition();
      cluster.partition(p.majority(), p.minority());
      RecordingClerk ckp1 = new RecordingClerk(cluster.makeClient(p.majority()).clerk(), 1, history);
      SimClient<Clerk> p2a = cluster.makeClient(p.minority());
      SimClient<Clerk> p2b = cluster.makeClient(p.minority());
      RecordingClerk ckp2a = new RecordingClerk(p2a.clerk(), 2, history);
      RecordingClerk ckp2b = new RecordingClerk(p2b.clerk(), 3, history);
      assertTrue(ckp1.put("1", "14"));
      assertEquals(Optional.of("14"), ckp1.get("1"));

      // no progress in minority
      CompletableFuture<Boolean> put = ckp2a.putAsync("1", "15", KvSimCluster.CLERK_DEADLINE);
      CompletableFuture<Optional<String>> get = ckp2b.getAsync("1", KvSimCluster.CLERK_DEADLINE);
      Thread.sleep(1000); // eRaft's window: nothing may complete within it
      assertPending(put, "Put in minority");
      assertPending(get, "Get in minority");
      assertEquals(Optional.of("14"), ckp1.get("1"));
      assertTrue(ckp1.put("1", "16"));
      assertEquals(Optional.of("16"), ckp1.get("1"));
      assertPending(put, "Put in minority");
      assertPending(get, "Get in minority");

      // completion after heal
      cluster.connectAll();
      p2a.connect(cluster.all());
      p2b.connect(cluster.all());
      assertEquals(true, put.get(4, TimeUnit.SECONDS), "Put did not complete"); // eRaft: 1 s + 3 s
      assertTrue(get.get(4, TimeUnit.SECONDS).isPresent(), "Get did not complete");
      assertEquals(Optional.of("15"), ck.get("1"));
    }
    history.assertLinearizable();
  }

  private static void assertPending(CompletableFuture<?> call, String what) {
    if (call.isDone()) {
      fail(what + " completed: " + (call.isCompletedExceptionally() ? "failed" : call.join()));
    }
  }

  @Test
  void testManyPartitionsOneClient3A() throws Exception {
    new GenericTest(1, 5, false, false, true, -1, false).run(dir, seeds.next());
  }

  @Test
  void testManyPartitionsManyClients3A() throws Exception {
    new GenericTest(5, 5, false, false, true, -1, false).run(dir, seeds.next());
  }

  @Test
  void testPersistOneClient3A() throws Exception {
    new GenericTest(1, 5, false, true, false, -1, false).run(dir, seeds.next());
  }

  @Test
  void testPersistConcurrent3A() throws Exception {
    new GenericTest(5, 5, false, true, false, -1, false).run(dir, seeds.next());
  }

  @Test
  void testPersistConcurrentUnreliable3A() throws Exception {
    new GenericTest(5, 5, true, true, false, -1, false).run(dir, seeds.next());
  }

  @Test
  void testPersistPartition3A() throws Exception {
    new GenericTest(5, 5, false, true, true, -1, false).run(dir, seeds.next());
  }

  @Test
  void testPersistPartitionUnreliable3A() throws Exception {
    new GenericTest(5, 5, true, true, true, -1, false).run(dir, seeds.next());
  }

  /** eRaft fails this one (its restart replays appends onto LevelDB, ERAFT-SPEC §7.9); ours must pass. */
  @Test
  void testPersistPartitionUnreliableLinearizable3A() throws Exception {
    new GenericTest(15, 7, true, true, true, -1, true).run(dir, seeds.next());
  }
}
