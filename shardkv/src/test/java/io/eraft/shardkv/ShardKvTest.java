package io.eraft.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.eraft.raft.linearizability.HistoryRecorder;
import io.eraft.raft.linearizability.KvModel;
import io.eraft.raft.linearizability.Linearizability;
import io.eraft.shardkv.server.ShardKvServerOptions;
import io.eraft.shardkv.shards.ShardStatus;
import io.eraft.shardkv.sim.ShardGroupSimCluster;
import io.eraft.shardkv.sim.ShardKvSimSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * eRaft's ShardKV suite ({@code shardkv/test_test.go}, ERAFT-SPEC §7.7) on the simulated system:
 * the same scenarios, names and checks, over three controllers and three groups of real replicas.
 * Beyond eRaft, every clerk's calls are recorded and each scenario's whole history is checked for
 * linearizability (eRaft checks unreliable3's only). eRaft's clerks retry forever; ours give up
 * after {@link ShardKvSimSystem#CLERK_DEADLINE}, which fails the test.
 */
class ShardKvTest {
  /** Generous: a check that does not finish fails (eRaft passes it); the largest histories take a few seconds. */
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);
  private static final long SEED = Long.getLong("shardkv.sim.seed", System.nanoTime());
  private final Random random = new Random(SEED);
  @TempDir
  Path dir;
  private ShardKvSimSystem system;
  /** Every recorded clerk's calls, checked for linearizability after each scenario (eRaft checks only unreliable3's). */
  private final HistoryRecorder<KvModel.Input, KvModel.Output> history = new HistoryRecorder<>();
  private final AtomicInteger clients = new AtomicInteger();

  private ShardKvSimSystem start(boolean unreliable, int maxRaftState) {
    system = ShardKvSimSystem.start(unreliable, maxRaftState, random.nextLong(), dir, ShardKvServerOptions.DEFAULTS);
    return system;
  }

  /** A new clerk (eRaft's {@code makeClient}) whose calls are recorded. */
  private RecordingShardClerk clerk() {
    return new RecordingShardClerk(system.makeClerk(), clients.incrementAndGet(), history);
  }

  @AfterEach
  void checkAndStop() {
    try {
      Linearizability.assertLinearizable(new KvModel(), history.history(), CHECK_TIMEOUT);
    } finally {
      if (system != null) {
        system.close();
      }
    }
  }

  @Test
  @Timeout(120)
  void staticShards() throws Exception {
    start(false, -1);
    RecordingShardClerk ck = clerk();
    system.join(100);
    system.join(101);
    List<String> keys = keys(10);
    List<String> values = new ArrayList<>();
    for (String key : keys) {
      values.add(randomString(20));
      ck.put(key, values.get(values.size() - 1));
    }
    check(ck, keys, values);

    // The data really is sharded: with group 101 down, only its shards' Gets hang.
    system.group(101).shutdownGroup();
    checkLogs(-1);
    LinkedBlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      String expected = values.get(i);
      clerk().getAsync(key, ShardKvSimSystem.CLERK_DEADLINE).whenComplete((v, e) -> outcomes.add(
          e != null ? "" : expected.equals(v) ? "ok" : "Get(" + key + "): expected " + expected + ", got " + v));
    }
    int done = 0;
    for (String outcome; (outcome = outcomes.poll(2, TimeUnit.SECONDS)) != null; ) {
      assertEquals("ok", outcome);
      done++;
    }
    assertEquals(5, done, "completions with one group of two down");

    system.group(101).startGroup();
    check(ck, keys, values);
  }

  @Test
  @Timeout(120)
  void joinLeave() throws Exception {
    start(false, -1);
    RecordingShardClerk ck = clerk();
    system.join(100);
    List<String> keys = keys(10);
    List<String> values = putAll(ck, keys, 5);
    check(ck, keys, values);

    system.join(101);
    checkAndAppend(ck, keys, values, 5);
    system.leave(100);
    checkAndAppend(ck, keys, values, 5);

    Thread.sleep(1000); // allow time for shards to transfer
    checkLogs(-1);
    system.group(100).shutdownGroup();
    check(ck, keys, values);
  }

  @Test
  @Timeout(180)
  void snapshot() throws Exception {
    start(false, 1000);
    RecordingShardClerk ck = clerk();
    system.join(100);
    List<String> keys = keys(30);
    List<String> values = putAll(ck, keys, 20);
    check(ck, keys, values);

    system.join(101);
    system.join(102);
    system.leave(100);
    checkAndAppend(ck, keys, values, 20);
    system.leave(101);
    system.join(100);
    checkAndAppend(ck, keys, values, 20);
    Thread.sleep(1000);
    check(ck, keys, values);
    Thread.sleep(1000);
    checkLogs(1000);

    for (int gid : ShardKvSimSystem.GIDS) {
      system.group(gid).shutdownGroup();
    }
    for (int gid : ShardKvSimSystem.GIDS) {
      system.group(gid).startGroup();
    }
    check(ck, keys, values);
  }

  @Test
  @Timeout(180)
  void missChange() throws Exception {
    start(false, 1000);
    RecordingShardClerk ck = clerk();
    system.join(100);
    List<String> keys = keys(10);
    List<String> values = putAll(ck, keys, 20);
    check(ck, keys, values);

    system.join(101);
    shutdownServer(0);
    system.join(102);
    system.leave(101);
    system.leave(100);
    checkAndAppend(ck, keys, values, 20);
    system.join(101);
    checkAndAppend(ck, keys, values, 20);
    startServer(0);
    checkAndAppend(ck, keys, values, 20);

    Thread.sleep(2000);
    shutdownServer(1);
    system.join(100);
    system.leave(102);
    checkAndAppend(ck, keys, values, 20);
    startServer(1);
    check(ck, keys, values);
  }

  @Test
  @Timeout(180)
  void concurrent1() throws Exception {
    start(false, 100);
    RecordingShardClerk ck = clerk();
    system.join(100);
    List<String> keys = keys(10);
    List<String> values = putAll(ck, keys, 5);
    try (Appenders appenders = new Appenders(keys, values, 5, 10)) {
      Thread.sleep(150);
      system.join(101);
      Thread.sleep(500);
      system.join(102);
      Thread.sleep(500);
      system.leave(100);
      system.group(100).shutdownGroup();
      Thread.sleep(100);
      system.group(101).shutdownGroup();
      Thread.sleep(100);
      system.group(102).shutdownGroup();
      system.leave(102);
      Thread.sleep(100);
      system.group(100).startGroup();
      system.group(101).startGroup();
      system.group(102).startGroup();
      Thread.sleep(100);
      system.join(100);
      system.leave(101);
      Thread.sleep(500);
      system.join(101);
      Thread.sleep(1000);
    }
    check(ck, keys, values);
  }

  @Test
  @Timeout(180)
  void concurrent2() throws Exception {
    start(false, -1);
    RecordingShardClerk ck = clerk();
    system.join(101);
    system.join(100);
    system.join(102);
    List<String> keys = keys(10);
    List<String> values = putAll(ck, keys, 1);
    try (Appenders appenders = new Appenders(keys, values, 1, 50)) {
      system.leave(100);
      system.leave(102);
      Thread.sleep(3000);
      system.join(100);
      system.join(102);
      system.leave(101);
      Thread.sleep(3000);
      system.join(101);
      system.leave(100);
      system.leave(102);
      Thread.sleep(3000);
      system.group(101).shutdownGroup();
      system.group(102).shutdownGroup();
      Thread.sleep(1000);
      system.group(101).startGroup();
      system.group(102).startGroup();
      Thread.sleep(2000);
    }
    check(ck, keys, values);
  }

  @Test
  @Timeout(180)
  void unreliable1() throws Exception {
    start(true, 100);
    RecordingShardClerk ck = clerk();
    system.join(100);
    List<String> keys = keys(10);
    List<String> values = putAll(ck, keys, 5);
    system.join(101);
    system.join(102);
    system.leave(100);
    for (int ii = 0; ii < keys.size() * 2; ii++) {
      int i = ii % keys.size();
      check(ck, keys.get(i), values.get(i));
      String x = randomString(5);
      ck.append(keys.get(i), x);
      values.set(i, values.get(i) + x);
    }
    system.join(100);
    system.leave(101);
    for (int ii = 0; ii < keys.size() * 2; ii++) {
      int i = ii % keys.size();
      check(ck, keys.get(i), values.get(i));
    }
  }

  @Test
  @Timeout(180)
  void unreliable2() throws Exception {
    start(true, 100);
    RecordingShardClerk ck = clerk();
    system.join(100);
    List<String> keys = keys(10);
    List<String> values = putAll(ck, keys, 5);
    try (Appenders appenders = new Appenders(keys, values, 5, 0)) {
      joinsAndLeavesUnderLoad();
      appenders.stopSoon();
      system.setUnreliable(false);
    }
    check(ck, keys, values);
  }

  @Test
  @Timeout(180)
  void unreliable3() throws Exception {
    start(true, 100);
    RecordingShardClerk ck = clerk();
    system.join(100);
    List<String> keys = keys(10);
    putAll(ck, keys, 5);
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService threads = Executors.newFixedThreadPool(keys.size());
    List<Future<?>> running = new ArrayList<>();
    for (String unused : keys) {
      RecordingShardClerk clerk = clerk();
      running.add(threads.submit(() -> {
        while (!done.get()) {
          String key = keys.get(nextInt(keys.size()));
          String value = randomString(5);
          int dice = nextInt(1000);
          if (dice < 500) {
            clerk.append(key, value);
          } else if (dice < 550) {
            clerk.put(key, value);
          } else {
            clerk.get(key);
          }
        }
        return null;
      }));
    }
    joinsAndLeavesUnderLoad();
    done.set(true);
    system.setUnreliable(false);
    for (Future<?> f : running) {
      f.get(ShardKvSimSystem.CLERK_DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
    }
    threads.shutdownNow();
  }

  /** The configuration changes of eRaft's Unreliable2 and Unreliable3, while clients run. */
  private void joinsAndLeavesUnderLoad() throws InterruptedException {
    Thread.sleep(150);
    system.join(101);
    Thread.sleep(500);
    system.join(102);
    Thread.sleep(500);
    system.leave(100);
    Thread.sleep(500);
    system.leave(101);
    Thread.sleep(500);
    system.join(101);
    system.join(100);
    Thread.sleep(2000);
  }

  @Test
  @Timeout(240)
  void challenge1Delete() throws Exception {
    start(false, 1); // a snapshot after every entry
    RecordingShardClerk ck = clerk();
    system.join(100);
    int n = 30; // 30,000 bytes of values
    List<String> keys = keys(n);
    List<String> values = putAll(ck, keys, 1000);
    check(ck, keys.subList(0, 3), values.subList(0, 3));
    for (int iters = 0; iters < 2; iters++) {
      system.join(101);
      system.leave(100);
      system.join(102);
      Thread.sleep(3000);
      check(ck, keys.subList(0, 3), values.subList(0, 3));
      system.leave(101);
      system.join(100);
      system.leave(102);
      Thread.sleep(3000);
      check(ck, keys.subList(0, 3), values.subList(0, 3));
    }
    system.join(101);
    system.join(102);
    for (int i = 0; i < 3; i++) {
      Thread.sleep(1000);
      check(ck, keys.subList(0, 3), values.subList(0, 3));
    }
    long total = 0;
    for (int gid : ShardKvSimSystem.GIDS) {
      total += system.group(gid).persistedBytes();
    }
    // 27 keys stored once, 3 keys also in client dup tables (eRaft's reading), on 3 replicas, plus slop.
    long expected = 3 * (((n - 3) * 1000) + 2 * 3 * 1000 + 6000);
    assertTrue(total <= expected, "snapshots + persisted Raft state are too big: " + total + " > " + expected);
    check(ck, keys, values);
  }

  @Test
  @Timeout(240)
  void challenge1Concurrent() throws Exception {
    start(false, 300);
    RecordingShardClerk ck = clerk();
    system.join(100);
    List<String> keys = keys(10);
    List<String> values = putAll(ck, keys, 1);
    try (Appenders appenders = new Appenders(keys, values, 1, 0)) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
      while (System.nanoTime() < end) {
        system.join(102);
        system.join(101);
        Thread.sleep(nextInt(900));
        for (int gid : ShardKvSimSystem.GIDS) {
          system.group(gid).shutdownGroup();
        }
        for (int gid : ShardKvSimSystem.GIDS) {
          system.group(gid).startGroup();
        }
        Thread.sleep(nextInt(900));
        system.leave(101);
        system.leave(102);
        Thread.sleep(nextInt(900));
      }
      Thread.sleep(2000);
    }
    check(ck, keys, values);
  }

  @Test
  @Timeout(180)
  void challenge2Unaffected() throws Exception {
    start(true, 100);
    RecordingShardClerk ck = clerk();
    system.join(100);
    List<String> keys = keys(10);
    List<String> values = new ArrayList<>();
    for (String key : keys) {
      values.add("100");
      ck.put(key, "100");
    }
    system.join(101);
    List<Integer> owners = system.ctrlerClerk().query(-1).shards();
    Thread.sleep(1000); // the migration completes and clients see the new configuration
    for (int i = 0; i < keys.size(); i++) {
      if (owners.get(Shards.of(keys.get(i))) == 101) {
        values.set(i, "101");
        ck.put(keys.get(i), "101");
      }
    }
    system.group(100).shutdownGroup();
    system.leave(100); // 101 cannot pull what 100 held
    Thread.sleep(1000);
    for (int i = 0; i < keys.size(); i++) {
      if (owners.get(Shards.of(keys.get(i))) == 101) {
        check(ck, keys.get(i), values.get(i));
        ck.put(keys.get(i), values.get(i) + "-1");
        check(ck, keys.get(i), values.get(i) + "-1");
      }
    }
  }

  @Test
  @Timeout(180)
  void challenge2Partial() throws Exception {
    start(true, 100);
    RecordingShardClerk ck = clerk();
    system.join(100, 101, 102);
    Thread.sleep(1000);
    List<String> keys = keys(10);
    List<String> values = new ArrayList<>();
    for (String key : keys) {
      values.add("100");
      ck.put(key, "100");
    }
    List<Integer> owners = system.ctrlerClerk().query(-1).shards();
    system.group(100).shutdownGroup();
    system.leave(100, 102); // 101 gets 102's shards at once, and never 100's
    Thread.sleep(1000);
    for (int i = 0; i < keys.size(); i++) {
      if (owners.get(Shards.of(keys.get(i))) == 102) {
        check(ck, keys.get(i), values.get(i));
        ck.put(keys.get(i), values.get(i) + "-2");
        check(ck, keys.get(i), values.get(i) + "-2");
      }
    }
  }

  /**
   * Not in eRaft: every group leaves, so no group owns a shard, then groups join again. eRaft keeps
   * such shards' data where it was and serves it stale if the shard returns there, and loses it if
   * the shard goes elsewhere; here it is parked with its last owner and pulled from there.
   */
  @Test
  @Timeout(180)
  void everyGroupLeavesAndJoinsAgainWithNothingLostOrResurrected() throws Exception {
    start(false, -1);
    RecordingShardClerk ck = clerk();
    system.join(100, 101);
    List<String> keys = keys(10);
    List<String> values = putAll(ck, keys, 5);
    checkAndAppend(ck, keys, values, 5);
    system.leave(100, 101);
    system.join(102); // 102 must pull every shard from 100 and 101, where they are parked
    checkAndAppend(ck, keys, values, 5);
    system.leave(102);
    system.join(100); // back to a group that held half of them: stale copies must not come back
    check(ck, keys, values);
    checkAndAppend(ck, keys, values, 5);
    system.join(101, 102);
    check(ck, keys, values);
  }

  /** Not in eRaft: every controller crashes and restarts while shards move; nothing is lost and the moves finish. */
  @Test
  @Timeout(180)
  void theControllersCrashMidMigration() throws Exception {
    start(false, 1000);
    RecordingShardClerk ck = clerk();
    system.join(100);
    List<String> keys = keys(10);
    List<String> values = putAll(ck, keys, 20);
    system.join(101, 102);
    system.ctrlers().restartAll();
    checkAndAppend(ck, keys, values, 20);
    system.leave(100);
    system.ctrlers().restartAll();
    checkAndAppend(ck, keys, values, 20);
    check(ck, keys, values);
  }

  /**
   * Not in eRaft: a partition between groups. The new owner cannot reach the old one, so the
   * shards it was given stay Pulling (not served, not lost) while the shards that did not move
   * are served as usual; once the partition heals the pull completes.
   */
  @Test
  @Timeout(180)
  void aPartitionBetweenGroupsHoldsAPullBackUntilItHeals() throws Exception {
    start(false, -1);
    RecordingShardClerk ck = clerk();
    system.join(100);
    List<String> keys = keys(10);
    List<String> values = putAll(ck, keys, 5);
    system.cut(101, 100);
    system.join(101);
    List<Integer> owners = system.ctrlerClerk().query(-1).shards();
    for (int i = 0; i < keys.size(); i++) {
      if (owners.get(Shards.of(keys.get(i))) == 100) {
        check(ck, keys.get(i), values.get(i));
        String x = randomString(5);
        ck.append(keys.get(i), x);
        values.set(i, values.get(i) + x);
      }
    }
    ShardGroupSimCluster g101 = system.group(101);
    int leader = g101.leader();
    for (int s = 0; s < owners.size(); s++) {
      if (owners.get(s) == 101) {
        assertEquals(ShardStatus.PULLING, g101.machine(leader).shards().shard(s).status(), "shard " + s);
      }
    }
    system.healGroups();
    checkAndAppend(ck, keys, values, 5);
    check(ck, keys, values);
  }

  // ---- helpers (eRaft's check, randstring, and the appender goroutines) --------------------------

  /** Clerks appending to one key each, every {@code pauseMs}, until closed; {@code values} tracks them. */
  private final class Appenders implements AutoCloseable {
    private final AtomicBoolean done = new AtomicBoolean();
    private final ExecutorService threads;
    private final List<Future<?>> running = new ArrayList<>();

    Appenders(List<String> keys, List<String> values, int length, long pauseMs) {
      threads = Executors.newFixedThreadPool(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        int k = i;
        RecordingShardClerk clerk = clerk();
        running.add(threads.submit(() -> {
          while (!done.get()) {
            String x = randomString(length);
            clerk.append(keys.get(k), x);
            synchronized (values) {
              values.set(k, values.get(k) + x);
            }
            if (pauseMs > 0) {
              Thread.sleep(pauseMs);
            }
          }
          return null;
        }));
      }
    }

    /** Asks the clerks to stop after their current append (close() then waits for them). */
    void stopSoon() {
      done.set(true);
    }

    @Override
    public void close() throws Exception {
      done.set(true);
      for (Future<?> f : running) {
        f.get(ShardKvSimSystem.CLERK_DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
      }
      threads.shutdownNow();
    }
  }

  private void shutdownServer(int i) {
    ShardKvSimSystem.GIDS.forEach(gid -> system.group(gid).shutdownServer(i));
  }

  private void startServer(int i) {
    ShardKvSimSystem.GIDS.forEach(gid -> {
      ShardGroupSimCluster group = system.group(gid);
      group.startServer(i);
      group.connectAll();
    });
  }

  /** eRaft's checklogs: with snapshots, no log beyond 8 × maxraftstate; without, no snapshot at all. */
  private void checkLogs(int maxRaftState) {
    for (int gid : ShardKvSimSystem.GIDS) {
      ShardGroupSimCluster group = system.group(gid);
      if (maxRaftState >= 0) {
        assertTrue(group.logSize() <= 8L * maxRaftState, "group " + gid + " log of " + group.logSize()
            + " bytes exceeds 8 x " + maxRaftState);
      } else {
        assertEquals(0, group.snapshotSize(), "group " + gid + " took a snapshot");
      }
    }
  }

  private static List<String> keys(int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(Integer.toString(i)); // ensure multiple shards
    }
    return keys;
  }

  private List<String> putAll(RecordingShardClerk ck, List<String> keys, int length) {
    List<String> values = new ArrayList<>();
    for (String key : keys) {
      String value = randomString(length);
      ck.put(key, value);
      values.add(value);
    }
    return values;
  }

  private void checkAndAppend(RecordingShardClerk ck, List<String> keys, List<String> values, int length) {
    for (int i = 0; i < keys.size(); i++) {
      check(ck, keys.get(i), values.get(i));
      String x = randomString(length);
      ck.append(keys.get(i), x);
      values.set(i, values.get(i) + x);
    }
  }

  private static void check(RecordingShardClerk ck, List<String> keys, List<String> values) {
    for (int i = 0; i < keys.size(); i++) {
      check(ck, keys.get(i), values.get(i));
    }
  }

  private static void check(RecordingShardClerk ck, String key, String value) {
    String got = ck.get(key);
    if (!value.equals(got)) {
      fail("Get(" + key + "): expected:\n" + value + "\nreceived:\n" + got + "\n(replay with -Dshardkv.sim.seed="
          + SEED + ")");
    }
  }

  private int nextInt(int bound) {
    synchronized (random) {
      return random.nextInt(bound);
    }
  }

  private String randomString(int n) {
    StringBuilder b = new StringBuilder();
    synchronized (random) {
      for (int i = 0; i < n; i++) {
        b.append((char) ('a' + random.nextInt(26)));
      }
    }
    return b.toString();
  }
}
