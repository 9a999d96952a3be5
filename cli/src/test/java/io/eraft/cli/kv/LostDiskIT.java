package io.eraft.cli.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Binaries;
import io.eraft.cli.StatusPoller;
import io.eraft.kvraft.client.Clerk;
import io.eraft.kvraft.client.KvClient;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.cluster.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator does when a disk dies: a kvserver is killed, its data directory deleted, and the
 * same command started again — under a steady write load. The node must catch up and vote again by
 * itself, and no acknowledged write may be lost, even once the leader that restored it is killed.
 * The CPU the restarted node and the leader use while it catches up is printed (a benchmark figure,
 * not an assertion: the storm this replaces burned 1.6 of the machine's 2 cores).
 */
class LostDiskIT {
  private static final int SERVERS = 3;
  private static final int WRITERS = 4;

  @TempDir Path dir;
  private Binaries binaries;
  private final List<String> addresses = new ArrayList<>();
  private final List<Binaries.Server> servers = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    binaries = new Binaries(Files.createDirectories(dir.resolve("logs")));
  }

  @AfterEach
  void stopEveryServer() throws InterruptedException {
    binaries.close();
  }

  @Test
  void nodeRestartedOnAnEmptyDirectoryCatchesUpUnderLoadAndLosesNothing() throws Exception {
    for (int i = 0; i < SERVERS; i++) {
      addresses.add("127.0.0.1:" + FreePorts.pick());
    }
    String addrs = String.join(",", addresses);
    for (int i = 0; i < SERVERS; i++) {
      servers.add(startServer(i, addrs));
    }
    StatusPoller status = new StatusPoller(
        () -> binaries.run("kvclient", "status", "-addrs", addrs, "--timeout", "5s"), SERVERS);
    int leader = status.awaitLeader(-1);
    int wiped = (leader + 1) % SERVERS;

    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try (KvClient client = KvClient.connect(addresses, RetryPolicy.DEFAULT, Duration.ofSeconds(30))) {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        Clerk clerk = client.newClerk();
        String prefix = "w" + w + "-";
        writers.add(pool.submit(() -> {
          for (int i = 0; writing.get(); i++) {
            clerk.put(prefix + i, "value " + i);
            acknowledged.put(prefix + i, "value " + i);
          }
          return null;
        }));
      }
      status.await("some writes to land", rows -> acknowledged.size() >= 200);

      // The disk dies: kill -9, delete the data directory, start the same command again.
      servers.get(wiped).kill();
      deleteRecursively(dir.resolve("node-" + wiped));
      Duration leaderCpuBefore = servers.get(leader).cpuTime();
      long restartedAt = System.nanoTime();
      servers.set(wiped, startServer(wiped, addrs));
      long commitAtRestart = Long.parseLong(StatusPoller.rows(status.lines()).get(leader).commit());
      status.await("node " + wiped + " to catch up and vote again", rows -> {
        StatusPoller.Row r = rows.get(wiped);
        boolean voter = r.role().equals("Follower") || r.role().equals("Leader");
        return voter && Long.parseLong(r.applied()) >= commitAtRestart;
      });
      Duration caughtUpIn = Duration.ofNanos(System.nanoTime() - restartedAt);
      Duration wipedCpu = servers.get(wiped).cpuTime();
      Duration leaderCpu = servers.get(leader).cpuTime().minus(leaderCpuBefore);
      int writesBefore = acknowledged.size();
      status.await("writes to go on after the catch-up", rows -> acknowledged.size() >= writesBefore + 100);
      writing.set(false);
      for (Future<?> w : writers) {
        w.get();
      }
      System.out.printf("LostDiskIT: node %d restarted on an empty directory caught up in %d ms (%d writes "
              + "acknowledged in all); CPU meanwhile: restarted node %d ms (JVM start included), leader %d ms%n",
          wiped, caughtUpIn.toMillis(), acknowledged.size(), wipedCpu.toMillis(), leaderCpu.toMillis());

      // The node that restored it is killed: the restored node and the third one must hold every write.
      servers.get(leader).kill();
      status.awaitLeader(leader);
      Clerk reader = client.newClerk();
      for (Map.Entry<String, String> e : acknowledged.entrySet()) {
        assertEquals(e.getValue(), reader.get(e.getKey()), "acknowledged write of " + e.getKey());
      }
      assertTrue(acknowledged.size() >= 300, acknowledged.size() + " writes");
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
  }

  private Binaries.Server startServer(int id, String addrs) throws IOException, InterruptedException {
    Binaries.Server server = binaries.startServer("kvserver", "-id", Integer.toString(id), "-addrs", addrs, "-db",
        dir.resolve("node-" + id).toString(), "--heartbeat-interval", "50ms", "--election-timeout", "500ms");
    server.awaitStdout("Server " + id + " starting at " + addresses.get(id) + "\n");
    return server;
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
