package io.eraft.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.eraft.cli.Binaries;
import io.eraft.cli.ExitCode;
import io.eraft.raft.cluster.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs and traces of real servers: a request made with {@code --trace} is logged under its trace
 * id by every node it reaches — a follower and then the leader (kvserver, text logs on stderr),
 * the controller it asks for the configuration and the group that serves it (JSON logs in rolled
 * files) — and a shard pull between groups is logged under one trace id by both groups. Every
 * JSON line parses and carries an ISO time and the node's identity. Waits are liveness guards.
 */
class LogsAndTracesIT {
  private static final Pattern TRACE_ID = Pattern.compile(": trace id ([0-9a-f]{32})\n");

  @TempDir Path dir;
  private Binaries binaries;

  @BeforeEach
  void setUp() throws Exception {
    binaries = new Binaries(Files.createDirectories(dir.resolve("logs")));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    binaries.close();
  }

  @Test
  void aTracedKvRequestIsLoggedByTheFollowerItReachedAndByTheLeader() throws Exception {
    List<String> addresses = List.of("127.0.0.1:" + FreePorts.pick(), "127.0.0.1:" + FreePorts.pick(),
        "127.0.0.1:" + FreePorts.pick());
    List<Binaries.Server> servers = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      servers.add(binaries.startServer("kvserver", "-id", Integer.toString(i), "-addrs", String.join(",", addresses),
          "-db", dir.resolve("kv-" + i).toString(), "--heartbeat-interval", "50ms", "--election-timeout", "500ms"));
    }
    for (Binaries.Server s : servers) {
      urls.add(s.metricsUrl());
    }
    int leader = -1;
    for (int i = 0; leader < 0; i = (i + 1) % 3) {
      if (Scrape.value(Scrape.awaitMetrics(urls.get(i), "a leader", m -> Scrape.value(m, "eraft_raft_has_leader") == 1),
          "eraft_raft_is_leader") == 1) {
        leader = i;
      }
    }
    int follower = (leader + 1) % 3;

    Binaries.Result put = binaries.run("kvclient", "-addrs", addresses.get(follower), "--trace", "--timeout", "30s",
        "put", "traced", "yes");
    assertEquals(ExitCode.OK, put.exit(), put.toString());
    assertEquals("Put(traced, yes) success\n", put.stdout());
    String traceId = traceId(put);
    for (int node : List.of(follower, leader)) {
      Binaries.Server server = servers.get(node);
      String line = awaitLine(() -> server.stderrText().lines().toList(),
          l -> l.contains("served a traced call") && l.contains("trace_id=" + traceId), "kvserver " + node);
      assertTrue(line.contains("[kvserver 0/" + node + "]") && line.contains("method=kvraftpb.KVService/Command"),
          line);
      assertEquals(node == follower, line.contains(" err=ErrWrongLeader "), line);
    }
  }

  @Test
  void tracesFollowAShardKvRequestAndAShardPullAcrossTheJsonLogsOfEveryNode() throws Exception {
    String ctrler = "127.0.0.1:" + FreePorts.pick();
    String g100 = "127.0.0.1:" + FreePorts.pick();
    String g101 = "127.0.0.1:" + FreePorts.pick();
    Path ctrlerLog = dir.resolve("ctrler.log");
    Path log100 = dir.resolve("g100").resolve("server.log"); // a directory the server makes
    Path log101 = dir.resolve("g101.log");
    binaries.startServer("shardctrler", "-cluster", ctrler, "-db", dir.resolve("ctrler").toString(),
        "--log-format", "json", "--log-file", ctrlerLog.toString()).awaitStdout("listening on " + ctrler);
    binaries.startServer("shardkvserver", "-gid", "100", "-cluster", g100, "-ctrlers", ctrler, "-db",
        dir.resolve("g100-data").toString(), "--log-format", "json", "--log-file", log100.toString())
        .awaitStdout("listening on " + g100);
    run("shardctl", "-cluster", ctrler, "--timeout", "30s", "join", "100=" + g100);

    Binaries.Result put = run("shardkv", "-ctrlers", ctrler, "--timeout", "30s", "--trace", "put", "5-key", "v");
    assertEquals("Put OK\n", put.stdout());
    String traceId = traceId(put);
    Struct atCtrler = awaitJson(ctrlerLog, traceId, "served a traced call");
    assertEquals("shardctrlerpb.ShardCtrlerService/Command", atCtrler.getFieldsOrThrow("method").getStringValue());
    assertIdentity(atCtrler, "shardctrler", "0", "0");
    Struct atGroup = awaitJson(log100, traceId, "served a traced call");
    assertEquals("shardkvpb.ShardKVService/Command", atGroup.getFieldsOrThrow("method").getStringValue());
    assertEquals("OK", atGroup.getFieldsOrThrow("code").getStringValue());
    assertIdentity(atGroup, "shardkv", "100", "0");

    // Group 101 joins and pulls five shards from 100: one trace across both groups' logs.
    binaries.startServer("shardkvserver", "-gid", "101", "-cluster", g101, "-ctrlers", ctrler, "-db",
        dir.resolve("g101-data").toString(), "--log-format", "json", "--log-file", log101.toString())
        .awaitStdout("listening on " + g101);
    run("shardctl", "-cluster", ctrler, "--timeout", "30s", "join", "101=" + g101);
    Struct pulling = awaitJson(log101, null, "pulling shards");
    assertIdentity(pulling, "shardkv", "101", "0");
    String pullTrace = pulling.getFieldsOrThrow("trace_id").getStringValue();
    Struct served = awaitJson(log100, pullTrace, "served a traced call");
    assertEquals("shardkvpb.ShardKVService/GetShardsData", served.getFieldsOrThrow("method").getStringValue());

    for (Path log : List.of(ctrlerLog, log100, log101)) {
      for (String line : Files.readAllLines(log)) {
        Struct json = parse(line);
        assertTrue(json.getFieldsOrThrow("ts").getStringValue().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"),
            line);
        assertTrue(json.containsFields("level") && json.containsFields("msg") && json.containsFields("component"),
            line);
      }
    }
  }

  private Binaries.Result run(String binary, String... args) throws Exception {
    Binaries.Result r = binaries.run(binary, args);
    assertEquals(ExitCode.OK, r.exit(), r.toString());
    return r;
  }

  private static String traceId(Binaries.Result r) {
    Matcher m = TRACE_ID.matcher(r.stderr());
    if (!m.find()) {
      fail("no trace id on stderr: " + r);
    }
    return m.group(1);
  }

  private static void assertIdentity(Struct line, String component, String group, String node) {
    assertEquals(List.of(component, group, node), List.of(line.getFieldsOrThrow("component").getStringValue(),
        line.getFieldsOrThrow("group").getStringValue(), line.getFieldsOrThrow("node").getStringValue()));
  }

  /** The first JSON line of {@code log} with message {@code msg} (and trace id {@code traceId} unless null). */
  private static Struct awaitJson(Path log, String traceId, String msg) throws Exception {
    String line = awaitLine(() -> Files.exists(log) ? Files.readAllLines(log) : List.of(), l -> {
      Struct json = parse(l);
      return json.getFieldsOrThrow("msg").getStringValue().equals(msg) && (traceId == null
          || json.containsFields("trace_id") && json.getFieldsOrThrow("trace_id").getStringValue().equals(traceId));
    }, log.toString());
    return parse(line);
  }

  private static String awaitLine(Scrape.Probe<List<String>> lines, Predicate<String> wanted, String where)
      throws Exception {
    return Scrape.await("the line sought in the log of " + where,
        () -> lines.read().stream().filter(wanted).findFirst(), Optional::isPresent).get();
  }

  private static Struct parse(String line) {
    Struct.Builder json = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(line, json);
    } catch (IOException e) {
      throw new AssertionError("not a JSON log line: " + line, e);
    }
    return json.build();
  }
}
