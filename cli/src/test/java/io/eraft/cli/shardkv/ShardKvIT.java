package io.eraft.cli.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Binaries;
import io.eraft.proto.shardkvpb.ShardInfo;
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
import java.util.List;
import java.util.Set;
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
  /** Small enough that a server holding a 64 MiB shard in memory, even once, dies (ExitOnOutOfMemoryError). */
  private static final String SERVER_JVM = "-XX:+UseSerialGC -Xmx96m -XX:TieredStopAtLevel=1"
      + " -XX:+ExitOnOutOfMemoryError";
  private static final int BIG_SHARD = Shards.of("a"); // 7
  private static final int BIG_VALUES = 512;
  private static final int BIG_VALUE_BYTES = 128 << 10;

  @TempDir Path dir;
  private Binaries binaries;
  private ShardedProcesses system;
  private String ctrlers;

  @BeforeEach
  void setUp() throws IOException {
    binaries = new Binaries(Files.createDirectories(dir.resolve("logs")));
    system = new ShardedProcesses(binaries, dir, SERVER_JVM);
    ctrlers = system.ctrlers();
  }

  @AfterEach
  void stopEveryServer() throws InterruptedException {
    binaries.close();
  }

  @Test
  void theReadmeFlowAndA64MiBShardMovedThroughAKillAndAWholeSystemRestart() throws Exception {
    startEverything();
    // eRaft's README flow, through the binaries.
    assertEquals("Join OK\n", system.shardctl("join", system.join(100)));
    assertEquals("Put OK\n", shardkv("put", "mykey", "myvalue"));
    assertEquals("myvalue\n", shardkv("get", "mykey"));
    assertEquals("Append OK\n", shardkv("append", "mykey", " extra"));
    assertEquals("myvalue extra\n", run("shardkvclient", "-ctrlers", ctrlers, "--timeout", ShardedProcesses.TIMEOUT, "get", "mykey"));
    assertEquals("\n", shardkv("get", "never-written"));

    try (ShardKvClient client = system.connect()) {
      ShardKvClerk clerk = client.newClerk();
      for (int i = 0; i < BIG_VALUES; i++) {
        clerk.put(bigKey(i), bigValue(i));
      }
      assertEquals("Join OK\n", system.shardctl("join", system.join(101)));
      WriteLoad load = new WriteLoad(client, 1); // every shard, the moving one included

      long start = System.nanoTime();
      assertEquals("Move OK\n", system.shardctl("move", Integer.toString(BIG_SHARD), "101"));
      awaitStatus(client, 101, BIG_SHARD, "Pulling");
      String leader = ShardedProcesses.leaderOf(client, 101, Set.of());
      system.server(leader).kill();
      LocalRaftCluster.awaitCondition(() -> everyShardServed(client, List.of(leader)));
      System.out.printf("ShardKvIT: a 64 MiB shard moved in %.1f s, the puller's leader killed mid-way%n",
          (System.nanoTime() - start) / 1e9);
      load.close();

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
      checkEverything(clerk, load);

      // Every process stopped and started again: nothing acknowledged is lost.
      binaries.close();
      startEverything();
      checkEverything(client.newClerk(), load);
      assertEquals("myvalue extra\n", shardkv("get", "mykey"));
    }
  }

  private void startEverything() throws Exception {
    system.startControllers();
    system.startGroup(100);
    system.startGroup(101);
  }

  private void checkEverything(ShardKvClerk clerk, WriteLoad load) throws Exception {
    for (int i = 0; i < BIG_VALUES; i++) {
      assertEquals(bigValue(i), clerk.get(bigKey(i)), bigKey(i));
    }
    load.checkNothingLost(clerk);
  }

  private static String bigKey(int i) {
    return "a-big-" + i; // 'a': every key in one shard
  }

  private static String bigValue(int i) {
    return Integer.toString(i).repeat(BIG_VALUE_BYTES / Integer.toString(i).length() + 1)
        .substring(0, BIG_VALUE_BYTES);
  }

  private String shardkv(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("-ctrlers", ctrlers, "--timeout", ShardedProcesses.TIMEOUT));
    all.addAll(List.of(args));
    return run("shardkv", all.toArray(String[]::new));
  }

  private String run(String binary, String... args) throws Exception {
    Binaries.Result r = binaries.run(binary, args);
    assertEquals(0, r.exit(), r.toString());
    return r.stdout();
  }

  private static void awaitStatus(ShardKvClient client, int gid, int shard, String status) throws Exception {
    LocalRaftCluster.awaitCondition(() -> client.status(Duration.ofSeconds(2)).stream().anyMatch(row ->
        row.gid() == gid && row.shards().stream().anyMatch(s -> s.getShardId() == shard
            && s.getStatus().equals(status))));
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
