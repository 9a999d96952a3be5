package io.eraft.cli.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Binaries;
import io.eraft.proto.shardkvpb.ShardInfo;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.cluster.FreePorts;
import io.eraft.raft.cluster.LocalRaftCluster;
import io.eraft.shardkv.Shards;
import io.eraft.shardkv.client.ShardKvClerk;
import io.eraft.shardkv.client.ShardKvClient;
import io.eraft.shardkv.client.ShardKvNodeStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eRaft's README topology as real processes through {@code cli/bin}: three {@code shardctrler}s and
 * ShardKV groups 100 and 101 of three {@code shardkvserver}s each, on free ports of 127.0.0.1. The
 * README flow through the binaries; a 64 MiB shard moved under a write load by servers whose heap
 * (96 MiB) cannot hold it, with the pulling group's leader killed (kill -9) mid-migration; the old
 * copy collected; every acknowledged write read back, also after a restart of every process. Time
 * bounds are liveness guards only; the migration's duration is printed as a figure.
 */
class ShardKvIT {
  private static final String TIMEOUT = "30s";
  /** Small enough that a server holding a 64 MiB shard in memory, even once, dies (ExitOnOutOfMemoryError). */
  private static final String SERVER_JVM = "-XX:+UseSerialGC -Xmx96m -XX:TieredStopAtLevel=1"
      + " -XX:+ExitOnOutOfMemoryError";
  private static final int BIG_SHARD = Shards.of("a"); // 7
  private static final int BIG_VALUES = 512;
  private static final int BIG_VALUE_BYTES = 128 << 10;

  @TempDir Path dir;
  private Binaries binaries;
  private String ctrlers;
  private final Map<Integer, List<String>> groups = new HashMap<>();
  private final Map<String, Binaries.Server> servers = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() throws IOException {
    binaries = new Binaries(Files.createDirectories(dir.resolve("logs")));
    ctrlers = addresses();
    groups.put(100, List.of(addresses().split(",")));
    groups.put(101, List.of(addresses().split(",")));
  }

  @AfterEach
  void stopEveryServer() throws InterruptedException {
    binaries.close();
  }

  private static String addresses() throws IOException {
    List<String> list = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      list.add("127.0.0.1:" + FreePorts.pick());
    }
    return String.join(",", list);
  }

  @Test
  void theReadmeFlowAndA64MiBShardMovedThroughAKillAndAWholeSystemRestart() throws Exception {
    startEverything();
    // eRaft's README flow, through the binaries.
    assertEquals("Join OK\n", run("shardctl", "-cluster", ctrlers, "join", join(100)));
    assertEquals("Put OK\n", shardkv("put", "mykey", "myvalue"));
    assertEquals("myvalue\n", shardkv("get", "mykey"));
    assertEquals("Append OK\n", shardkv("append", "mykey", " extra"));
    assertEquals("myvalue extra\n", run("shardkvclient", "-ctrlers", ctrlers, "--timeout", TIMEOUT, "get", "mykey"));
    assertEquals("\n", shardkv("get", "never-written"));

    try (ShardKvClient client = ShardKvClient.connect(List.of(ctrlers.split(",")), RetryPolicy.DEFAULT,
        Duration.ofSeconds(60))) {
      ShardKvClerk clerk = client.newClerk();
      for (int i = 0; i < BIG_VALUES; i++) {
        clerk.put(bigKey(i), bigValue(i));
      }
      assertEquals("Join OK\n", run("shardctl", "-cluster", ctrlers, "join", join(101)));
      Map<String, String> acknowledged = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService load = Executors.newSingleThreadExecutor();
      Future<?> writer = load.submit(() -> {
        ShardKvClerk w = client.newClerk();
        for (int i = 0; !stop.get(); i++) {
          String key = (char) ('0' + i % 10) + "-load-" + i; // every shard, the moving one included
          w.put(key, "v" + i);
          acknowledged.put(key, "v" + i);
        }
        return null;
      });

      long start = System.nanoTime();
      assertEquals("Move OK\n", run("shardctl", "-cluster", ctrlers, "move", Integer.toString(BIG_SHARD), "101"));
      awaitStatus(client, 101, BIG_SHARD, "Pulling");
      String leader = leaderOf(client, 101);
      servers.get(leader).kill();
      LocalRaftCluster.awaitCondition(() -> everyShardServed(client, List.of(leader)));
      System.out.printf("ShardKvIT: a 64 MiB shard moved in %.1f s, the puller's leader killed mid-way%n",
          (System.nanoTime() - start) / 1e9);
      stop.set(true);
      writer.get();
      load.shutdown();

      // The old owner collected its copy: group 100 no longer holds the shard, and it is whole at 101.
      for (ShardKvNodeStatus row : client.status(Duration.ofSeconds(5))) {
        if (row.node().online() && row.gid() == 100) {
          assertTrue(row.shards().stream().noneMatch(s -> s.getShardId() == BIG_SHARD), row.toString());
        }
        if (row.node().online() && row.gid() == 101) {
          ShardInfo big = row.shards().stream().filter(s -> s.getShardId() == BIG_SHARD).findFirst().orElseThrow();
          assertTrue(big.getBytes() >= (long) BIG_VALUES * BIG_VALUE_BYTES, big.toString());
        }
      }
      checkEverything(clerk, acknowledged);

      // Every process stopped and started again: nothing acknowledged is lost.
      binaries.close();
      servers.clear();
      startEverything();
      checkEverything(client.newClerk(), acknowledged);
      assertEquals("myvalue extra\n", shardkv("get", "mykey"));
    }
  }

  @Test
  void badStartsAreOneLineAndTouchNothing() throws Exception {
    String taken = groups.get(100).get(0);
    Binaries.Server first = binaries.startServerWith(SERVER_JVM, "shardkvserver", "-gid", "100", "-id", "0",
        "-cluster", String.join(",", groups.get(100)), "-ctrlers", ctrlers, "-db", dir.resolve("a").toString());
    first.awaitStdout("listening on " + taken);
    Binaries.Result portInUse = run(1, "shardkvserver", "-gid", "100", "-id", "0", "-cluster",
        String.join(",", groups.get(100)), "-ctrlers", ctrlers, "-db", dir.resolve("b").toString());
    assertTrue(portInUse.stderr().startsWith("shardkvserver: cannot listen on " + taken), portInUse.toString());
    Binaries.Result otherGroup = run(1, "shardkvserver", "-gid", "101", "-id", "1", "-cluster",
        String.join(",", groups.get(101)), "-ctrlers", ctrlers, "-db", dir.resolve("a").toString());
    assertEquals(1, otherGroup.stderrLines().size(), otherGroup.toString());
    Binaries.Result gidZero = run(2, "shardkvserver", "-gid", "0");
    assertEquals(1, gidZero.stderrLines().size(), gidZero.toString());
    Binaries.Result unreachable = run(1, "shardkv", "-ctrlers", ctrlers, "--timeout", "1s", "get", "k");
    assertEquals(1, unreachable.stderrLines().size(), unreachable.toString());
  }

  private void startEverything() throws Exception {
    List<String> ctrlerList = List.of(ctrlers.split(","));
    for (int i = 0; i < 3; i++) {
      servers.put(ctrlerList.get(i), binaries.startServer("shardctrler", "-id", Integer.toString(i), "-cluster",
          ctrlers, "-db", dir.resolve("ctrler-" + i).toString()));
    }
    for (Map.Entry<Integer, List<String>> group : groups.entrySet()) {
      for (int i = 0; i < 3; i++) {
        servers.put(group.getValue().get(i), binaries.startServerWith(SERVER_JVM, "shardkvserver", "-gid",
            Integer.toString(group.getKey()), "-id", Integer.toString(i), "-cluster",
            String.join(",", group.getValue()), "-ctrlers", ctrlers,
            "-db", dir.resolve("g" + group.getKey() + "-" + i).toString()));
      }
    }
    for (Map.Entry<String, Binaries.Server> s : servers.entrySet()) {
      s.getValue().awaitStdout(" listening on " + s.getKey());
    }
  }

  private void checkEverything(ShardKvClerk clerk, Map<String, String> acknowledged) {
    for (int i = 0; i < BIG_VALUES; i++) {
      assertEquals(bigValue(i), clerk.get(bigKey(i)), bigKey(i));
    }
    acknowledged.forEach((key, value) -> assertEquals(value, clerk.get(key), key));
  }

  private static String bigKey(int i) {
    return "a-big-" + i; // 'a': every key in one shard
  }

  private static String bigValue(int i) {
    return Integer.toString(i).repeat(BIG_VALUE_BYTES / Integer.toString(i).length() + 1)
        .substring(0, BIG_VALUE_BYTES);
  }

  private String join(int gid) {
    return gid + "=" + String.join(",", groups.get(gid));
  }

  private String shardkv(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("-ctrlers", ctrlers, "--timeout", TIMEOUT));
    all.addAll(List.of(args));
    return run("shardkv", all.toArray(String[]::new));
  }

  private String run(String binary, String... args) throws Exception {
    Binaries.Result r = binaries.run(binary, args);
    assertEquals(0, r.exit(), r.toString());
    return r.stdout();
  }

  private Binaries.Result run(int exit, String binary, String... args) throws Exception {
    Binaries.Result r = binaries.run(binary, args);
    assertEquals(exit, r.exit(), r.toString());
    return r;
  }

  private static void awaitStatus(ShardKvClient client, int gid, int shard, String status) throws Exception {
    LocalRaftCluster.awaitCondition(() -> client.status(Duration.ofSeconds(2)).stream().anyMatch(row ->
        row.gid() == gid && row.shards().stream().anyMatch(s -> s.getShardId() == shard
            && s.getStatus().equals(status))));
  }

  private static String leaderOf(ShardKvClient client, int gid) throws Exception {
    String[] leader = {null};
    LocalRaftCluster.awaitCondition(() -> {
      for (ShardKvNodeStatus row : client.status(Duration.ofSeconds(2))) {
        if (row.gid() == gid && row.node().role().equals("Leader")) {
          leader[0] = row.node().address();
          return true;
        }
      }
      return false;
    });
    return leader[0];
  }

  /**
   * The big shard has moved: every running server (the killed one excepted) has every shard
   * Serving, every one of group 101 holds the big shard and none of group 100 does.
   */
  private static boolean everyShardServed(ShardKvClient client, List<String> down) {
    for (ShardKvNodeStatus row : client.status(Duration.ofSeconds(2))) {
      if (down.contains(row.node().address())) {
        continue;
      }
      boolean holdsBig = row.shards().stream().anyMatch(s -> s.getShardId() == BIG_SHARD);
      if (!row.node().online() || row.shards().stream().anyMatch(s -> !s.getStatus().equals("Serving"))
          || holdsBig != (row.gid() == 101)) {
        return false;
      }
    }
    return true;
  }
}
