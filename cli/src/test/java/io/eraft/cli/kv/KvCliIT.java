package io.eraft.cli.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.eraft.cli.ExitCode;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final String HEADER =
      "ID    Address                   Role            Term       Applied    Commit          Storage(B)     ";
  private static final Pattern ROW = Pattern.compile(
      "(\\d+) +(\\S+) +(Leader|Follower|Candidate|PreCandidate|Offline) +(\\d+|-) +(\\d+|-) +(\\d+|-) +(\\d+|-) *");
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

  /** One row of {@code kvclient status}. */
  private record Row(int id, String address, String role, String term, String applied, String commit) {}

  @Test
  void writesSurviveKillingTheLeaderAndReadBackExactly() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      addresses.add("127.0.0.1:" + freePort());
    }
    String addrs = String.join(",", addresses);
    List<Binaries.Server> servers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      servers.add(startServer(i, addrs));
    }
    for (int i = 0; i < 3; i++) {
      servers.get(i).awaitStdout("Server " + i + " starting at " + addresses.get(i) + "\n");
    }
    int leader = awaitLeader(addrs, -1);

    Map<String, String> written = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      put(addrs, "key" + i, "value " + i, i % 2 == 0, written);
    }
    append(addrs, "key0", " and more", written);

    Binaries.Server killed = servers.get(leader);
    killed.kill();
    int newLeader = awaitLeader(addrs, leader);
    assertTrue(newLeader != leader);
    List<String> lines = statusLines(addrs);
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

    // The killed node restarts from what it had fsynced and catches up.
    Binaries.Server restarted = startServer(leader, addrs);
    restarted.awaitStdout("Server " + leader + " starting at " + addresses.get(leader) + "\n");
    long commit = Long.parseLong(rows(statusLines(addrs)).get(newLeader).commit());
    awaitStatus(addrs, "server " + leader + " to apply up to " + commit, rows -> {
      Row r = rows.get(leader);
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
  void lockedDataDirectoryFailsWithOneLineAndLeavesTheDataAlone() throws Exception {
    Path data = dir.resolve("shared-db");
    String first = "127.0.0.1:" + freePort();
    Binaries.Server owner = binaries.startServer("-addrs", first, "-db", data.toString(),
        "--heartbeat-interval", "50ms", "--election-timeout", "300ms");
    owner.awaitStdout("Server 0 starting at " + first + "\n");
    put(first, "kept", "safe", true, new LinkedHashMap<>());

    String second = "127.0.0.1:" + freePort();
    Binaries.Result r = binaries.run("kvserver", "-addrs", second, "-db", data.toString());
    assertEquals(ExitCode.FAILURE, r.exit(), r.toString());
    assertEquals(1, r.stderrLines().size(), r.toString());
    String line = r.stderrLines().get(0);
    assertTrue(line.startsWith("kvserver: ") && line.contains(data.toString())
        && line.endsWith("is in use by another process (LOCK held): stop the other node or choose another data"
            + " directory"), line);

    assertRead(first, "kept", "safe", false);
  }

  @Test
  void unreachableClusterFailsPromptlyWithOneLine() throws Exception {
    String nobody = "127.0.0.1:" + freePort();
    Binaries.Result r = binaries.run("kvclient", "--timeout", "1s", "-addrs", nobody, "put", "k", "v");
    assertEquals(ExitCode.FAILURE, r.exit(), r.toString());
    assertEquals(1, r.stderrLines().size(), r.toString());
    String line = r.stderrLines().get(0);
    assertTrue(line.startsWith("kvclient: no server gave a usable answer within ") && line.contains("; tried " + nobody
        + " ("), r.toString());
    assertEquals("", r.stdout());
    // Liveness guard (a JVM start plus the 1 s budget), not a speed test: it must not hang.
    assertTrue(r.took().compareTo(Duration.ofSeconds(30)) < 0, r.toString());
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** A port on 127.0.0.1 that was free a moment ago (the OS hands out ephemeral ports round-robin). */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private Binaries.Server startServer(int id, String addrs) throws IOException {
    return binaries.startServer("-id", Integer.toString(id), "-addrs", addrs, "-db",
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

  /** Runs kvclient status, checks the header and rule, returns every line. */
  private List<String> statusLines(String addrs) throws Exception {
    Binaries.Result r = binaries.run("kvclient", "status", "-addrs", addrs, "--timeout", "5s");
    assertEquals(ExitCode.OK, r.exit(), r.toString());
    List<String> lines = r.stdout().lines().toList();
    assertEquals(HEADER, lines.get(0));
    assertEquals("-".repeat(100), lines.get(1));
    assertEquals(2 + addrs.split(",").length, lines.size(), r.toString());
    return lines;
  }

  private static List<Row> rows(List<String> lines) {
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(2, lines.size())) {
      Matcher m = ROW.matcher(line);
      if (!m.matches()) {
        fail("status row does not match eRaft's format: '" + line + "'");
      }
      Row row = new Row(Integer.parseInt(m.group(1)), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6));
      String format = row.role().equals("Offline") ? StatusTable.OFFLINE_ROW : StatusTable.ONLINE_ROW;
      String rendered = row.role().equals("Offline")
          ? String.format(format, row.id(), row.address(), row.role(), "-", "-", "-", "-")
          : String.format(format, row.id(), row.address(), row.role(), Long.parseLong(row.term()),
              Long.parseLong(row.applied()), Long.parseLong(row.commit()), Long.parseLong(m.group(7)));
      assertEquals(rendered, line, "status row padding");
      rows.add(row);
    }
    return rows;
  }

  /** Polls status until exactly one server other than {@code excluded} leads; returns its id. */
  private int awaitLeader(String addrs, int excluded) throws Exception {
    int[] leader = {-1};
    awaitStatus(addrs, "a leader other than " + excluded, rows -> {
      List<Row> leaders = rows.stream().filter(r -> r.role().equals("Leader")).toList();
      if (leaders.size() == 1 && leaders.get(0).id() != excluded) {
        leader[0] = leaders.get(0).id();
        return true;
      }
      return false;
    });
    return leader[0];
  }

  private void awaitStatus(String addrs, String what, java.util.function.Predicate<List<Row>> done)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    List<String> last = List.of();
    while (System.nanoTime() < deadline) {
      last = statusLines(addrs);
      if (done.test(rows(last))) {
        return;
      }
      Thread.sleep(200);
    }
    fail("no " + what + " within 90 s; last status:\n" + String.join("\n", last));
  }
}
