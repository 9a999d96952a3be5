package io.eraft.cli.ctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Binaries;
import io.eraft.cli.ExitCode;
import io.eraft.cli.StatusPoller;
import io.eraft.raft.cluster.FreePorts;
import io.eraft.shardctrler.config.Rebalancer;
import io.eraft.shardctrler.config.ShardConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the real binaries: three {@code shardctrler} processes started from their fat
 * jar through {@code cli/bin}, driven by {@code shardctl} (and its eRaft alias) as separate
 * processes on 127.0.0.1. The expected configs come from {@link Rebalancer} applied to the same
 * commands, so every printed assignment is checked shard for shard. Waits poll the cluster's
 * status; time bounds are liveness guards only.
 */
class ShardCtlIT {
  private static final int N = 3;
  /** Generous for a command that may meet an election on a loaded machine. */
  private static final String REQUEST_TIMEOUT = "30s";
  private static final List<String> GROUP_100 = List.of("127.0.0.1:6001", "127.0.0.1:6002", "127.0.0.1:6003");
  private static final List<String> GROUP_101 = List.of("127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003");

  @TempDir Path dir;
  private Binaries binaries;
  private final List<String> addresses = new ArrayList<>();
  private static final String MAY_HAVE_APPLIED_JOIN = "; the join may or may not have been applied: check with"
      + " 'shardctl query' before running it again";

  private String cluster;
  private StatusPoller status;

  @BeforeEach
  void setUp() throws IOException {
    binaries = new Binaries(Files.createDirectories(dir.resolve("logs")));
    for (int i = 0; i < N; i++) {
      addresses.add("127.0.0.1:" + FreePorts.pick());
    }
    cluster = String.join(",", addresses);
    status = new StatusPoller(() -> binaries.run("shardctl", "-cluster", cluster, "--timeout", "5s", "status"), N);
  }

  @AfterEach
  void stopEveryServer() throws InterruptedException {
    binaries.close();
  }

  @Test
  void joinMoveLeaveAndHistoryThroughKillsAndAWholeClusterRestart() throws Exception {
    List<Binaries.Server> servers = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      servers.add(startServer(i));
    }
    int leader = status.awaitLeader(-1);

    List<ShardConfig> history = new ArrayList<>(List.of(ShardConfig.INITIAL));
    assertEquals("Join OK\n", ctl("join", "100=" + String.join(",", GROUP_100)));
    history.add(Rebalancer.join(last(history), Map.of(100, GROUP_100)));
    // eRaft's shardctrlerclient name runs the same program.
    assertEquals("Join OK\n", run("shardctrlerclient", "-cluster", cluster, "--timeout", REQUEST_TIMEOUT, "join",
        "101=" + String.join(",", GROUP_101)));
    history.add(Rebalancer.join(last(history), Map.of(101, GROUP_101)));
    assertEquals(ConfigReport.text(last(history)), ctl("query"));

    int shard = last(history).shards().indexOf(101);
    assertEquals("{\"op\":\"move\",\"ok\":true}\n", ctl("--output", "json", "move", Integer.toString(shard), "100"));
    history.add(Rebalancer.move(last(history), shard, 100));
    assertEquals(ConfigReport.json(last(history)), ctl("query", "-1", "--output", "json"));

    // Every invalid command is refused with its reason, changes nothing and the cluster serves on.
    assertRefused("shard 10 is out of range [0, 9]", "move", "10", "100");
    assertRefused("gid 100 has already joined (config 3)", "join", "100=127.0.0.1:9");
    assertRefused("gid 999 is not a group of config 3", "leave", "999");
    assertRefused("gid 999 is not a group of config 3", "move", "0", "999");
    assertEquals(ConfigReport.text(last(history)), ctl("query"));

    // Given only a follower, shardctl finds the leader the follower names.
    String follower = addresses.get((leader + 1) % N);
    assertEquals(ConfigReport.text(last(history)), run("shardctl", "-cluster", follower, "--timeout", REQUEST_TIMEOUT,
        "query"));

    // kvclient pointed at the controllers: one line naming what the server lacks, not a stack trace.
    Binaries.Result wrongKind = binaries.run("kvclient", "-addrs", addresses.get(leader), "get", "k");
    assertEquals(ExitCode.FAILURE, wrongKind.exit(), wrongKind.toString());
    assertEquals(List.of("kvclient: the cluster refused the request: UNIMPLEMENTED: Method not found:"
        + " kvraftpb.KVService/Command (from " + addresses.get(leader) + ")"), wrongKind.stderrLines(),
        wrongKind.toString());

    // A killed leader's replacement serves the next command; the history is intact.
    servers.get(leader).kill();
    int newLeader = status.awaitLeader(leader);
    assertEquals("Leave OK\n", ctl("leave", "100"));
    history.add(Rebalancer.leave(last(history), List.of(100)));
    Binaries.Server restarted = startServer(leader);
    servers.set(leader, restarted);
    long commit = Long.parseLong(StatusPoller.rows(status.lines()).get(newLeader).commit());
    status.await("server " + leader + " to apply up to " + commit, rows -> {
      StatusPoller.Row r = rows.get(leader);
      return !r.applied().equals("-") && Long.parseLong(r.applied()) >= commit;
    });

    // SIGTERM stops every server cleanly; restarted, they keep every config under its number.
    for (Binaries.Server s : servers) {
      assertEquals(143, s.stop(), "exit status after SIGTERM");
    }
    for (int i = 0; i < N; i++) {
      startServer(i);
    }
    status.awaitLeader(-1);
    for (ShardConfig config : history) {
      assertEquals(ConfigReport.text(config), ctl("query", Long.toString(config.num())));
    }
    assertEquals(ConfigReport.text(last(history)), ctl("query", "99"), "a number past the latest is the latest");
  }

  @Test
  void malformedArgumentsAreUsageErrorsThatReachNoServer() throws Exception {
    Binaries.Result r = binaries.run("shardctl", "-cluster", cluster, "join", "abc");
    assertEquals(ExitCode.USAGE, r.exit(), r.toString());
    assertEquals(List.of("shardctl join: 'abc' is not GID=ADDR[,ADDR...] (see 'shardctl join --help')"),
        r.stderrLines(), r.toString());
    assertEquals("", r.stdout());
  }

  @Test
  void unreachableControllersFailWithOneLineNamingEachOnce() throws Exception {
    String everyRefused = cluster.replace(",", " (connection refused), ") + " (connection refused)";
    String couldNotConnect = "shardctl: could not connect to any server (retried for 3s): " + everyRefused;
    // On a starved machine a new JVM's first attempt may time out while its connection is still
    // being made; the line then rightly cannot rule out that the request arrived.
    String noUsableAnswer = "shardctl: no server gave a usable answer within 3s; tried " + everyRefused;
    Binaries.Result r = binaries.run("shardctl", "--timeout", "3s", "-cluster", cluster, "query");
    assertEquals(ExitCode.FAILURE, r.exit(), r.toString());
    assertEquals(1, r.stderrLines().size(), r.toString());
    assertTrue(List.of(couldNotConnect, noUsableAnswer).contains(r.stderrLines().get(0)), r.toString());
    assertEquals("", r.stdout());
    // Liveness guard (a JVM start plus the 3 s budget), not a speed test: it must not hang.
    assertTrue(r.took().compareTo(Duration.ofSeconds(30)) < 0, r.toString());

    // When no controller took a connection the join cannot have been applied: no "may or may not".
    r = binaries.run("shardctl", "--timeout", "3s", "-cluster", cluster, "join", "7=127.0.0.1:7001");
    assertEquals(ExitCode.FAILURE, r.exit(), r.toString());
    assertEquals(1, r.stderrLines().size(), r.toString());
    assertTrue(List.of(couldNotConnect, noUsableAnswer + MAY_HAVE_APPLIED_JOIN).contains(r.stderrLines().get(0)),
        r.toString());

    r = binaries.run("shardctl", "--timeout", "3s", "-cluster", cluster, "status");
    assertEquals(ExitCode.FAILURE, r.exit(), r.toString());
    assertEquals(List.of("shardctl: no server answered: " + cluster.replace(",", " (connection refused), ")
        + " (connection refused); is the cluster running, and does -cluster name it?"), r.stderrLines(),
        r.toString());

    // A listener that never answers takes the connection: the join may have reached a controller.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      String address = "127.0.0.1:" + silent.getLocalPort();
      r = binaries.run("shardctl", "--timeout", "1s", "-cluster", address, "join", "7=127.0.0.1:7001");
      assertEquals(ExitCode.FAILURE, r.exit(), r.toString());
      assertEquals(1, r.stderrLines().size(), r.toString());
      assertTrue(r.stderrLines().get(0).matches("shardctl: no server gave a usable answer within 1s; tried "
          + Pattern.quote(address) + " \\(no answer within \\d+ms\\)" + Pattern.quote(MAY_HAVE_APPLIED_JOIN)),
          r.toString());
    }
  }

  private Binaries.Server startServer(int id) throws Exception {
    Binaries.Server server = binaries.startServer("shardctrler", "-id", Integer.toString(id), "-cluster", cluster,
        "-db", dir.resolve("ctrler-" + id).toString(), "--heartbeat-interval", "50ms", "--election-timeout", "500ms");
    server.awaitStdout("ShardCtrler server " + id + " listening on " + addresses.get(id) + "\n");
    return server;
  }

  /** Runs shardctl against the cluster; it must succeed; returns its stdout. */
  private String ctl(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("-cluster", cluster, "--timeout", REQUEST_TIMEOUT));
    argv.addAll(List.of(args));
    return run("shardctl", argv.toArray(String[]::new));
  }

  private String run(String binary, String... args) throws Exception {
    Binaries.Result r = binaries.run(binary, args);
    assertEquals(ExitCode.OK, r.exit(), r.toString());
    assertEquals("", r.stderr(), r.toString());
    return r.stdout();
  }

  private void assertRefused(String reason, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("-cluster", cluster, "--timeout", REQUEST_TIMEOUT));
    argv.addAll(List.of(args));
    Binaries.Result r = binaries.run("shardctl", argv.toArray(String[]::new));
    assertEquals(ExitCode.FAILURE, r.exit(), r.toString());
    assertEquals(List.of("shardctl: the cluster refused the request: ErrBadRequest: " + reason), r.stderrLines(),
        r.toString());
    assertEquals("", r.stdout());
  }

  private static ShardConfig last(List<ShardConfig> history) {
    return history.get(history.size() - 1);
  }
}
