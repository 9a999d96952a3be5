package io.eraft.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Binaries;
import io.eraft.cli.ExitCode;
import io.eraft.raft.client.RetryPolicy;
import io.eraft.raft.cluster.FreePorts;
import io.eraft.shardkv.client.ShardKvClerk;
import io.eraft.shardkv.client.ShardKvClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics of a controller and two ShardKV groups (one node each, to spare the machine: so no
 * peer links, which {@link OpsEndpointsIT} covers) through a
 * migration held up by design: group 101 joins while group 100, which holds every shard, is down,
 * so 101's shards stay Pulling — visible in its metrics — until 100 comes back; then the counters
 * show each side's five migrations. Waits are liveness guards.
 */
class ShardedOpsIT {
  private static final List<String> CTRLER_METRICS = RequiredMetrics.everyServerAnd(RequiredMetrics.SHARDCTRLER);
  private static final List<String> SHARDKV_METRICS = RequiredMetrics.everyServerAnd(RequiredMetrics.SHARDKV);

  @TempDir Path dir;
  private Binaries binaries;
  private final String ctrler = "127.0.0.1:" + FreePorts.pick();
  private final String g100 = "127.0.0.1:" + FreePorts.pick();
  private final String g101 = "127.0.0.1:" + FreePorts.pick();

  ShardedOpsIT() throws Exception {}

  @BeforeEach
  void setUp() throws Exception {
    binaries = new Binaries(Files.createDirectories(dir.resolve("logs")));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    binaries.close();
  }

  @Test
  void shardStatusesAndMigrationsShowInTheMetrics() throws Exception {
    Binaries.Server ctrlerServer = binaries.startServer("shardctrler", "-id", "0", "-cluster", ctrler,
        "-db", dir.resolve("ctrler").toString());
    ctrlerServer.awaitStdout("listening on " + ctrler);
    String ctrlerUrl = ctrlerServer.metricsUrl();
    Binaries.Server first = startGroup(100, g100);
    String url100 = first.metricsUrl();
    assertHasEveryName(ctrlerUrl, CTRLER_METRICS, "shardctrler");
    assertHasEveryName(url100, SHARDKV_METRICS, "shardkv");
    assertEquals(0, Scrape.value(Scrape.metrics(ctrlerUrl), "eraft_shardctrler_config_num"));

    shardctl("join", "100=" + g100);
    List<Scrape.Sample> ctrlerSamples = Scrape.metrics(ctrlerUrl);
    assertEquals(1, Scrape.value(ctrlerSamples, "eraft_shardctrler_config_num"));
    assertEquals(1, Scrape.value(ctrlerSamples, "eraft_shardctrler_groups"));
    assertEquals(10, Scrape.value(ctrlerSamples, "eraft_shardctrler_shards", "gid", "100"));
    assertTrue(Scrape.value(ctrlerSamples, "eraft_shardctrler_requests_total", "op", "join", "result", "OK") >= 1);
    Scrape.awaitMetrics(url100, "group 100 serving all 10 shards",
        s -> Scrape.value(s, "eraft_shardkv_shards", "status", "serving") == 10
            && Scrape.value(s, "eraft_shardkv_config_num") == 1);

    try (ShardKvClient client = ShardKvClient.connect(List.of(ctrler), RetryPolicy.DEFAULT, Duration.ofSeconds(60))) {
      ShardKvClerk clerk = client.newClerk();
      for (int i = 0; i < 100; i++) {
        clerk.put((char) ('0' + i % 10) + "-key-" + i, "value-" + i); // eRaft's shard: the first byte mod 10
      }
    }
    List<Scrape.Sample> loaded = Scrape.metrics(url100);
    assertTrue(Scrape.value(loaded, "eraft_kv_requests_total", "op", "put", "result", "OK") >= 100);
    double keys = 0;
    for (int shard = 0; shard < 10; shard++) {
      keys += Scrape.value(loaded, "eraft_shardkv_shard_keys", "shard", Integer.toString(shard));
    }
    assertEquals(100, keys);

    // Group 101 joins while 100 is down: its five shards wait in Pulling.
    assertEquals(143, first.stop());
    Binaries.Server second = startGroup(101, g101);
    String url101 = second.metricsUrl();
    shardctl("join", "101=" + g101);
    assertEquals(2, Scrape.value(Scrape.metrics(ctrlerUrl), "eraft_shardctrler_config_num"));
    List<Scrape.Sample> waiting = Scrape.awaitMetrics(url101, "five shards Pulling",
        s -> Scrape.value(s, "eraft_shardkv_shards", "status", "pulling") == 5);
    assertEquals(5, Scrape.value(waiting, "eraft_shardkv_migrations_inflight", "direction", "in"));
    assertEquals(0, Scrape.value(waiting, "eraft_shardkv_migrations_total", "direction", "in"));

    // Group 100 returns: the shards move, and each side counts five migrations.
    Binaries.Server back = startGroup(100, g100);
    String url100Back = back.metricsUrl();
    List<Scrape.Sample> arrived = Scrape.awaitMetrics(url101, "the five shards served at 101",
        s -> Scrape.value(s, "eraft_shardkv_shards", "status", "serving") == 5);
    assertEquals(5, Scrape.value(arrived, "eraft_shardkv_migrations_total", "direction", "in"));
    assertEquals(5, Scrape.value(arrived, "eraft_shardkv_migration_duration_seconds_count", "direction", "in"));
    assertTrue(Scrape.value(arrived, "eraft_shardkv_migration_bytes_total", "direction", "in") > 0);
    assertEquals(0, Scrape.value(arrived, "eraft_shardkv_migrations_inflight", "direction", "in"));
    Scrape.awaitMetrics(url100Back, "group 100 down to five shards, the others collected",
        s -> Scrape.value(s, "eraft_shardkv_shards", "status", "serving") == 5
            && Scrape.value(s, "eraft_shardkv_shards", "status", "bepulling") == 0
            && Scrape.value(s, "eraft_shardkv_migrations_total", "direction", "out") == 5);
  }

  private Binaries.Server startGroup(int gid, String address) throws Exception {
    Binaries.Server server = binaries.startServer("shardkvserver", "-gid", Integer.toString(gid), "-id", "0",
        "-cluster", address, "-ctrlers", ctrler, "-db", dir.resolve("g" + gid).toString());
    server.awaitStdout("listening on " + address);
    return server;
  }

  private void shardctl(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("-cluster", ctrler, "--timeout", "30s"));
    argv.addAll(List.of(args));
    Binaries.Result r = binaries.run("shardctl", argv.toArray(String[]::new));
    assertEquals(ExitCode.OK, r.exit(), r.toString());
  }

  private static void assertHasEveryName(String url, List<String> required, String component) throws Exception {
    List<Scrape.Sample> samples = Scrape.awaitMetrics(url, "a known leader",
        s -> Scrape.value(s, "eraft_raft_has_leader") == 1);
    Set<String> missing = new TreeSet<>(required);
    missing.removeAll(Scrape.names(samples));
    assertEquals(Set.of(), missing, url + " (" + component + ") does not expose");
    assertTrue(samples.stream().allMatch(s -> component.equals(s.labels().get("component"))));
  }
}
