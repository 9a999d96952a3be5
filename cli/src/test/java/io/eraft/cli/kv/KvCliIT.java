package io.eraft.cli.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Binaries;
import io.eraft.cli.ExitCode;
import io.eraft.cli.StatusPoller;
import io.eraft.cli.StatusTable;
import io.eraft.raft.cluster.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the real binaries: kvserver and kvclient run from their fat jars through the
 * launchers in {@code cli/bin}, as separate processes on 127.0.0.1, with fsync on. Waits poll
 * the cluster's status; time bounds are liveness guards only.
 */
class KvCliIT {
  /** Generous for a request that may meet an election on a loaded machine. */
  private static final String REQUEST_TIMEOUT = "30s";

  @TempDir Path dir;
  private Binaries binaries;

  @BeforeEach
  void setUp() throws IOException {
    binaries = new Binaries(Files.createDirectories(dir.resolve("logs")));
  }

  @AfterEach
  void stopEveryServer() throws InterruptedException {
    binaries.close();
  }

  @Test
  void writesSurviveKillingTheLeaderAndReadBackExactly() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      addresses.add("127.0.0.1:" + FreePorts.pick());
    }
    String addrs = String.join(",", addresses);
    List<Binaries.Server> servers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      servers.add(startServer(i, addrs));
    }
    for (int i = 0; i < 3; i++) {
      servers.get(i).awaitStdout("Server " + i + " starting at " + addresses.get(i) + "\n");
    }
    int leader = status(addrs).awaitLeader(-1);

    Map<String, String> written = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      put(addrs, "key" + i, "value " + i, i % 2 == 0, written);
    }
    append(addrs, "key0", " and more", written);

    Binaries.Server killed = servers.get(leader);
    killed.kill();
    int newLeader = status(addrs).awaitLeader(leader);
    assertTrue(newLeader != leader);
    List<String> lines = status(addrs).lines();
    assertEquals(String.format(StatusTable.OFFLINE_ROW, leader, addresses.get(leader), "Offline", "-", "-", "-", "-"),
        lines.get(2 + leader), "the killed server's row");

    for (int i = 4; i < 8; i++) {
      put(addrs, "key" + i, "value " + i, i % 2 == 0, written);
    }
    append(addrs, "key5", " appended", written);
    append(addrs, "fresh", "from empty", written);
    for (Map.Entry<String, String> e : written.entrySet()) {
      assertRead(addrs, e.getKey(), e.getValue(), e.getKey().hashCode() % 2 == 0);
    }
    assertRead(addrs, "never-written", "", true);

    // Given only a follower, kvclient finds the leader the follower names.
    String follower = addresses.get(3 - leader - newLeader);
    put(follower, "via-follower", "found the leader", true, written);
    assertRead(follower, "via-follower", "found the leader", false);

    // --output json: an absent key is found:false with an empty value, as eRaft reads it as empty.
    assertEquals("{\"op\":\"get\",\"key\":\"key1\",\"value\":\"value 1\",\"found\":true}\n",
        kvclient(addrs, "--output", "json", "get", "key1").stdout());
    assertEquals("{\"op\":\"get\",\"key\":\"never-written\",\"value\":\"\",\"found\":false}\n",
        kvclient(addrs, "get", "never-written", "--output", "json").stdout());
    assertEquals("{\"op\":\"put\",\"key\":\"k-json\",\"ok\":true}\n",
        kvclient(addrs, "--output", "json", "put", "k-json", "v").stdout());
    written.put("k-json", "v");
    String statusJson = kvclient(addrs, "--output", "json", "status").stdout();
    assertTrue(statusJson.startsWith("[{\"id\":0,") && statusJson.endsWith("}]\n")
        && statusJson.contains("\"role\":\"Offline\",\"online\":false,\"error\":\"connection refused\"")
        && statusJson.contains("\"role\":\"Leader\",\"online\":true,"), statusJson);

    // The killed node restarts from what it had fsynced and catches up.
    Binaries.Server restarted = startServer(leader, addrs);
    restarted.awaitStdout("Server " + leader + " starting at " + addresses.get(leader) + "\n");
    long commit = Long.parseLong(StatusPoller.rows(status(addrs).lines()).get(newLeader).commit());
    status(addrs).await("server " + leader + " to apply up to " + commit, rows -> {
      StatusPoller.Row r = rows.get(leader);
      return !r.applied().equals("-") && Long.parseLong(r.applied()) >= commit;
    });

    // SIGTERM stops a server cleanly (the shutdown hook closes the replica).
    assertEquals(143, servers.get(newLeader).stop(), "exit status after SIGTERM");
    assertTrue(servers.get(newLeader).stderrText().contains("replica stopped"),
        servers.get(newLeader).stderrText());
  }

  @Test
  void unknownOperationIsAUsageError() throws Exception {
    Binaries.Result r = binaries.run("kvclient", "-addrs", "127.0.0.1:1", "-op", "frob", "-key", "k");
    assertEquals(ExitCode.USAGE, r.exit(), r.toString());
    assertEquals(List.of("kvclient: unknown -op 'frob': use get, put, append or status (see 'kvclient --help')"),
        r.stderrLines(), r.toString());
    assertEquals("", r.stdout());
  }

  @Test
  void missingKeyIsAUsageError() throws Exception {
    Binaries.Result r = binaries.run("kvclient", "-addrs", "127.0.0.1:1", "-op", "put", "-value", "v");
    assertEquals(ExitCode.USAGE, r.exit(), r.toString());
    assertEquals(List.of("kvclient: -op put needs -key (see 'kvclient --help')"), r.stderrLines(), r.toString());
  }

  @Test
  void idOutOfRangeIsAUsageErrorAndTouchesNoData() throws Exception {
    Path data = dir.resolve("never");
    Binaries.Result r = binaries.run("kvserver", "-id", "3", "-addrs", "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3",
        "-db", data.toString());
    assertEquals(ExitCode.USAGE, r.exit(), r.toString());
    assertEquals(List.of("kvserver: -id 3 is not a position in -addrs, which lists 3 servers: use an id from 0 to 2"
        + " (see 'kvserver --help')"), r.stderrLines(), r.toString());
    assertFalse(Files.exists(data));
  }

  @Test
  void portInUseFailsWithOneLineAndTouchesNoData() throws Exception {
    Path data = dir.resolve("node");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      Binaries.Result r = binaries.run("kvserver", "-addrs", address, "-db", data.toString());
      assertEquals(ExitCode.FAILURE, r.exit(), r.toString());
      assertEquals(1, r.stderrLines().size(), r.toString());
      String line = r.stderrLines().get(0);
      assertTrue(line.startsWith("kvserver: cannot listen on " + address + " ("), line);
      assertTrue(line.endsWith("stop the process using it or fix the address list"), line);
      assertEquals("", r.stdout());
    }
    assertFalse(Files.exists(data));
  }

  @Test
  void dataDirectoryOfAnotherNodeFailsWithOneLineNamingBothAndLeavesTheDataAlone() throws Exception {
    Path data = dir.resolve("shared-db");
    String first = "127.0.0.1:" + FreePorts.pick();
    Binaries.Server owner = binaries.startServer("kvserver", "-addrs", first, "-db", data.toString(),
        "--heartbeat-interval", "50ms", "--election-timeout", "300ms");
    owner.awaitStdout("Server 0 starting at " + first + "\n");
    put(first, "kept", "safe", true, new LinkedHashMap<>());
    String identity = Files.readString(data.resolve("IDENTITY"));

    String second = "127.0.0.1:" + FreePorts.pick();
    Binaries.Result r = binaries.run("kvserver", "-addrs", second, "-db", data.toString());
    assertEquals(ExitCode.FAILURE, r.exit(), r.toString());
    assertEquals(List.of("kvserver: data directory " + data + " belongs to kvraft node 0 (of " + first + "), not to"
        + " kvraft node 0 (of " + second + "): start that node on it, or give this one its own directory"),
        r.stderrLines(), r.toString());

    owner.kill(); // stopped, the directory still belongs to its node: a shard controller refuses it too
    r = binaries.run("shardctrler", "-cluster", first, "-db", data.toString());
    assertEquals(ExitCode.FAILURE, r.exit(), r.toString());
    assertTrue(r.stderrLines().get(0).contains("belongs to kvraft node 0"), r.toString());
    assertEquals(identity, Files.readString(data.resolve("IDENTITY")));

    Binaries.Server restarted = binaries.startServer("kvserver", "-addrs", first, "-db", data.toString(),
        "--heartbeat-interval", "50ms", "--election-timeout", "300ms");
    restarted.awaitStdout("Server 0 starting at " + first + "\n");
    assertRead(first, "kept", "safe", false);
  }

  @Test
  void unreachableClusterFailsAtItsDeadlineWithOneLine() throws Exception {
    String nobody = "127.0.0.1:" + FreePorts.pick();
    Binaries.Result r = binaries.run("kvclient", "--timeout", "2s", "-addrs", nobody, "put", "k", "v");
    assertEquals(ExitCode.FAILURE, r.exit(), r.toString());
    assertEquals(1, r.stderrLines().size(), r.toString());
    // On a starved machine a new JVM's first attempt may time out while its connection is still
    // being made; the line then rightly cannot rule out that the request arrived.
    String refused = nobody + " (connection refused)";
    assertTrue(List.of("kvclient: could not connect to any server (retried for 2s): " + refused,
        "kvclient: no server gave a usable answer within 2s; tried " + refused).contains(r.stderrLines().get(0)),
        r.toString());
    assertEquals("", r.stdout());
    // It retries until its deadline (a cluster that is starting refuses connections for a moment)
    // and no longer: the upper bound is a liveness guard (a JVM start plus the 2 s budget).
    assertTrue(r.took().compareTo(Duration.ofSeconds(2)) >= 0, r.toString());
    assertTrue(r.took().compareTo(Duration.ofSeconds(30)) < 0, r.toString());
  }

  // ---- helpers --------------------------------------------------------------------------------

  private Binaries.Server startServer(int id, String addrs) throws IOException {
    return binaries.startServer("kvserver", "-id", Integer.toString(id), "-addrs", addrs, "-db",
        dir.resolve("node-" + id).toString(), "--heartbeat-interval", "50ms", "--election-timeout", "500ms");
  }

  /** Puts through the eRaft form or the subcommand, checking eRaft's output line. */
  private void put(String addrs, String key, String value, boolean eRaftForm, Map<String, String> written)
      throws Exception {
    Binaries.Result r = eRaftForm
        ? binaries.run("kvclient", "-addrs", addrs, "--timeout", REQUEST_TIMEOUT, "-op", "put", "-key", key,
            "-value", value)
        : binaries.run("kvclient", "put", key, value, "--addrs=" + addrs, "--timeout", REQUEST_TIMEOUT);
    assertEquals(ExitCode.OK, r.exit(), r.toString());
    assertEquals("Put(" + key + ", " + value + ") success\n", r.stdout());
    assertEquals("", r.stderr());
    written.put(key, value);
  }

  private void append(String addrs, String key, String value, Map<String, String> written) throws Exception {
    Binaries.Result r = binaries.run("kvclient", "-addrs=" + addrs, "--timeout", REQUEST_TIMEOUT, "append", key,
        value);
    assertEquals(ExitCode.OK, r.exit(), r.toString());
    assertEquals("Append(" + key + ", " + value + ") success\n", r.stdout());
    written.merge(key, value, String::concat);
  }

  private void assertRead(String addrs, String key, String value, boolean eRaftForm) throws Exception {
    Binaries.Result r = eRaftForm
        ? binaries.run("kvclient", "-addrs", addrs, "--timeout", REQUEST_TIMEOUT, "-op", "get", "-key", key)
        : binaries.run("kvclient", "get", key, "-addrs", addrs, "--timeout", REQUEST_TIMEOUT);
    assertEquals(ExitCode.OK, r.exit(), r.toString());
    assertEquals("Get(" + key + ") -> " + value + "\n", r.stdout(), r.toString());
  }

  /** Runs kvclient against {@code addrs} with the generous timeout; it must succeed with nothing on stderr. */
  private Binaries.Result kvclient(String addrs, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("-addrs", addrs, "--timeout", REQUEST_TIMEOUT));
    argv.addAll(List.of(args));
    Binaries.Result r = binaries.run("kvclient", argv.toArray(String[]::new));
    assertEquals(ExitCode.OK, r.exit(), r.toString());
    assertEquals("", r.stderr(), r.toString());
    return r;
  }

  private StatusPoller status(String addrs) {
    return new StatusPoller(() -> binaries.run("kvclient", "status", "-addrs", addrs, "--timeout", "5s"),
        addrs.split(",").length);
  }
}
