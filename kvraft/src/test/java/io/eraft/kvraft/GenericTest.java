package io.eraft.kvraft;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.kvraft.sim.KvSimCluster;
import io.eraft.raft.sim.service.SpawnedClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * eRaft's {@code GenericTest} (ERAFT-SPEC §7.5), parameters in eRaft's order. Each of
 * {@link #ITERATIONS} iterations: {@code clients} clerks loop doing Put/Append/Get — on their own
 * key, checking every Get against their appends, or on random keys — while partitions (if on)
 * re-split the servers every 1–1.2 s; then everything is reconnected, all servers crash and restart
 * (if on), each client's key is read and checked for all its appends, once each, in order, and the
 * log size (snapshots on) or the absence of snapshots (off) is checked. Finally the whole history
 * must be linearizable.
 *
 * <p><b>Deviations from eRaft</b>, to fit the suite's budget on two cores: clients run
 * {@link #CLIENT_RUN} per iteration instead of 5 s, or with partitions {@link #QUIET} undisturbed
 * (as in eRaft) and then {@link #PARTITIONED_RUN} with the partitioner (about three splits instead
 * of four or five). eRaft's fixed sleeps after reconnecting and after the crash are dropped: the
 * final reads wait for the cluster themselves. A call that gives up (the clerk's
 * 30 s deadline; eRaft's clerk never gives up) is indeterminate: its append may appear at most once.
 * The linearizability check fails on a timeout, where eRaft passes.
 *
 * @param maxRaftState log bytes between compactions, or -1 for no snapshots (eRaft's maxraftstate)
 * @param randomKeys clients pick random keys among [0, clients) and also Put; Gets are not checked
 */
record GenericTest(int clients, int servers, boolean unreliable, boolean crash, boolean partitions,
    int maxRaftState, boolean randomKeys) {
  static final int ITERATIONS = 3;
  static final Duration CLIENT_RUN = Duration.ofSeconds(2);
  static final Duration QUIET = Duration.ofSeconds(1);
  static final Duration PARTITIONED_RUN = Duration.ofSeconds(3);

  void run(Path dir, long seed) throws Exception {
    Random random = new Random(seed);
    KvHistory history = new KvHistory();
    long started = System.nanoTime();
    long rpcs;
    try (KvSimCluster cluster = KvSimCluster.start(servers, unreliable, maxRaftState, random.nextLong(), dir)) {
      RecordingClerk checker = new RecordingClerk(cluster.makeClient(cluster.all()).clerk(), clients, history);
      for (int iteration = 0; iteration < ITERATIONS; iteration++) {
        runIteration(cluster, checker, history, random);
      }
      rpcs = cluster.rpcTotal();
    }
    long checking = System.nanoTime();
    history.assertLinearizable();
    // eRaft's end(): time, servers, RPCs, operations; and how long the history check took
    System.out.printf("  ... Passed --  %4.1f  %d %5d %4d  (checked in %d ms)%n", (checking - started) / 1e9,
        servers, rpcs, history.size(), (System.nanoTime() - checking) / 1_000_000);
  }

  private void runIteration(KvSimCluster cluster, RecordingClerk checker, KvHistory history, Random random)
      throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    List<RecordingClerk> clerks = new ArrayList<>();
    List<Random> randoms = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      clerks.add(new RecordingClerk(cluster.makeClient(cluster.all()).clerk(), i, history));
      randoms.add(new Random(random.nextLong()));
    }
    List<AppendLog> appends;
    try (SpawnedClients<AppendLog> running = SpawnedClients.start(clients,
        i -> runClient(i, clerks.get(i), done, randoms.get(i)))) {
      Partitioner partitioner = null;
      try {
        // Sleeps set the workload's duration; they do not wait for a condition.
        if (partitions) {
          Thread.sleep(QUIET.toMillis()); // clients work undisturbed first, as in eRaft
          partitioner = Partitioner.start(cluster, random.nextLong());
          Thread.sleep(PARTITIONED_RUN.toMillis());
        } else {
          Thread.sleep(CLIENT_RUN.toMillis());
        }
      } finally {
        done.set(true);
        if (partitioner != null) {
          partitioner.close();
        }
      }
      if (partitions) {
        cluster.connectAll();
      }
      if (crash) {
        cluster.restartAll();
      }
      appends = running.awaitAll();
    }
    for (int i = 0; i < clients; i++) {
      Optional<String> value = checker.get(String.valueOf(i));
      assertTrue(value.isPresent(), "the final Get of client " + i + "'s key gave up");
      if (!randomKeys) {
        AppendLog.check(value.get(), List.of(appends.get(i)));
      }
    }
    if (maxRaftState > 0) {
      long size = cluster.logSize();
      assertTrue(size <= 8L * maxRaftState, "logs were not trimmed (" + size + " > 8*" + maxRaftState + ")");
    } else {
      long size = cluster.snapshotSize();
      assertTrue(size == 0, "snapshot too large (" + size + "), should not be used when maxraftstate = "
          + maxRaftState);
    }
  }

  /**
   * One client's loop until {@code done}: Append with probability ½; with random keys, Put with
   * probability 1/20; otherwise Get, checked against its own appends unless keys are random.
   * Every Append and Put carries the next unique value of {@code appends}.
   */
  private AppendLog runClient(int client, RecordingClerk clerk, AtomicBoolean done, Random random) {
    AppendLog appends = new AppendLog(client);
    String own = String.valueOf(client);
    if (!randomKeys) {
      assertTrue(clerk.put(own, ""), "client " + client + "'s first Put gave up");
    }
    while (!done.get()) {
      String key = randomKeys ? String.valueOf(random.nextInt(clients)) : own;
      if (random.nextInt(1000) < 500) {
        appends.record(clerk.append(key, appends.next()));
      } else if (randomKeys && random.nextInt(1000) < 100) {
        appends.record(clerk.put(key, appends.next()));
      } else {
        Optional<String> value = clerk.get(key);
        if (!randomKeys && value.isPresent()) {
          AppendLog.check(value.get(), List.of(appends));
        }
      }
    }
    return appends;
  }
}
