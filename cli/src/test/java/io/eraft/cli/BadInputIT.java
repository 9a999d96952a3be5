package io.eraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.raft.cluster.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to every binary, as an operator would give it: missing or invalid flags, unknown
 * commands, a port in use, a data directory locked by another process, corrupt, or another node's
 * or group's. Each gives one line on stderr naming the problem, nothing on stdout, a non-zero exit
 * (2 for usage, 1 otherwise), and leaves every data file as it was (LevelDB's own diagnostic
 * {@code LOG} files excepted: opening a database rotates them before it finds a problem).
 */
class BadInputIT {
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

  /** One server binary started as a group of one: its flags with the address and data directory given. */
  private record ServerKind(String binary, String addressFlag, List<String> extra) {
    List<String> args(String address, Path db) {
      List<String> args = new ArrayList<>(List.of(addressFlag, address, "-db", db.toString()));
      args.addAll(extra);
      return args;
    }
  }

  private static final List<ServerKind> SERVERS = List.of(
      new ServerKind("kvserver", "-addrs", List.of()),
      new ServerKind("shardctrler", "-cluster", List.of()),
      new ServerKind("shardkvserver", "-cluster", List.of("-gid", "100", "-ctrlers", "127.0.0.1:1")));

  @Test
  void invalidAndUnknownFlagsAndCommandsAreOneUsageLine() throws Exception {
    Path untouched = dir.resolve("never");
    for (ServerKind server : SERVERS) {
      String address = "127.0.0.1:" + FreePorts.pick();
      assertFails(ExitCode.USAGE, "'one' is not an int", run(server.binary(),
          concat(server.args(address, untouched), "-id", "one")));
      assertFails(ExitCode.USAGE, "Unknown option: '--no-such-flag'", run(server.binary(),
          concat(server.args(address, untouched), "--no-such-flag")));
      assertFails(ExitCode.USAGE, "--election-timeout", run(server.binary(),
          concat(server.args(address, untouched), "--election-timeout", "0")));
    }
    assertFalse(Files.exists(untouched));
    assertFails(ExitCode.USAGE, "unknown -op 'frob'", run("kvclient", "-op", "frob", "-key", "k"));
    assertFails(ExitCode.USAGE, "Unmatched argument at index", run("shardctl", "frob"));
    assertFails(ExitCode.USAGE, "Unmatched argument at index", run("shardkv", "frob"));
    assertFails(ExitCode.USAGE, "Missing required parameter", run("shardctl", "move", "1"));
    assertFails(ExitCode.USAGE, "Missing required parameter", run("shardkv", "put", "k"));
    assertFails(ExitCode.USAGE, "--output", run("shardkv", "--output", "xml", "get", "k"));
    assertFails(ExitCode.USAGE, "--timeout 0", run("kvclient", "--timeout", "0", "get", "k"));
    assertFails(ExitCode.USAGE, "-port 70000 is not a port", run("dashboard", "-port", "70000"));
    assertFails(ExitCode.USAGE, "-gid", run("shardkvserver", "-gid", "0"));
  }

  @Test
  void anUnreachableClusterIsOneLineAtTheDeadline() throws Exception {
    String nobody = "127.0.0.1:" + FreePorts.pick();
    assertFails(ExitCode.FAILURE, nobody, run("shardkv", "-ctrlers", nobody, "--timeout", "1s", "get", "k"));
    assertFails(ExitCode.FAILURE, nobody, run("shardctl", "-cluster", nobody, "--timeout", "1s", "query"));
    assertFails(ExitCode.FAILURE, nobody, run("kvclient", "-addrs", nobody, "--timeout", "1s", "get", "k"));
  }

  @Test
  void aPortInUseIsOneLineAndCreatesNoData() throws Exception {
    for (ServerKind server : SERVERS) {
      Path db = dir.resolve(server.binary() + "-port");
      try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        String address = "127.0.0.1:" + taken.getLocalPort();
        assertFails(ExitCode.FAILURE, "cannot listen on " + address, run(server.binary(), server.args(address, db)));
        String free = "127.0.0.1:" + FreePorts.pick();
        assertFails(ExitCode.FAILURE, "cannot listen for metrics on 127.0.0.1:" + taken.getLocalPort(),
            run(server.binary(), concat(server.args(free, db), "--metrics-port", Integer.toString(taken.getLocalPort()))));
      }
      assertFalse(Files.exists(db), db + " was created");
    }
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertFails(ExitCode.FAILURE, "cannot listen for the dashboard on 127.0.0.1:" + taken.getLocalPort(),
          run("dashboard", "-host", "127.0.0.1", "-port", Integer.toString(taken.getLocalPort())));
    }
  }

  @Test
  void aLockedOrCorruptDataDirectoryIsOneLineAndLeftAsItWas() throws Exception {
    for (ServerKind server : SERVERS) {
      String address = "127.0.0.1:" + FreePorts.pick();
      Path db = dir.resolve(server.binary() + "-data");
      createData(server, address, db);
      Path stateDb = liveStateDatabase(db);

      Map<Path, String> before = digest(db);
      try (FileChannel lockFile = FileChannel.open(stateDb.resolve("LOCK"), StandardOpenOption.WRITE);
           FileLock held = lockFile.lock()) {
        assertFails(ExitCode.FAILURE, "LOCK held", run(server.binary(), server.args(address, db)));
      }
      assertEquals(before, digest(db), server.binary() + " changed a locked directory");

      Files.writeString(stateDb.resolve("CURRENT"), "MANIFEST-garbage"); // LevelDB's: no newline, no such file
      before = digest(db);
      assertFails(ExitCode.FAILURE, "is corrupt", run(server.binary(), server.args(address, db)));
      assertEquals(before, digest(db), server.binary() + " changed a corrupt directory");
    }
  }

  @Test
  void anotherNodesOrGroupsDirectoryIsOneLineNamingBothAndLeftAsItWas() throws Exception {
    String first = "127.0.0.1:" + FreePorts.pick();
    String second = "127.0.0.1:" + FreePorts.pick();
    Path ctrlerDb = dir.resolve("ctrler-0");
    createData(SERVERS.get(1), first, ctrlerDb);
    Map<Path, String> before = digest(ctrlerDb);
    assertFails(ExitCode.FAILURE, "belongs to shardctrler node 0 (of " + first + "), not to shardctrler node 1",
        run("shardctrler", "-id", "1", "-cluster", first + "," + second, "-db", ctrlerDb.toString()));
    assertEquals(before, digest(ctrlerDb));

    Path groupDb = dir.resolve("g100-0");
    createData(SERVERS.get(2), first, groupDb);
    before = digest(groupDb);
    assertFails(ExitCode.FAILURE, "belongs to shardkv group 100 node 0", run("shardkvserver", "-gid", "101",
        "-cluster", first, "-ctrlers", "127.0.0.1:1", "-db", groupDb.toString()));
    assertFails(ExitCode.FAILURE, "belongs to shardkv group 100 node 0", run("kvserver", "-addrs", first,
        "-db", groupDb.toString()));
    assertEquals(before, digest(groupDb));
  }

  /** Starts {@code server} once on {@code db}, so the directory holds its data, and stops it. */
  private void createData(ServerKind server, String address, Path db) throws Exception {
    Binaries.Server s = binaries.startServer(server.binary(), server.args(address, db).toArray(String[]::new));
    s.awaitStdout(address);
    assertEquals(143, s.stop(), "a clean stop after SIGTERM");
  }

  /** The live LevelDB of the state store, the first database a server opens. */
  private static Path liveStateDatabase(Path db) throws IOException {
    Path state = db.resolve("state");
    return state.resolve(Files.readString(state.resolve("CURRENT")).strip());
  }

  /** Every data file under {@code root} and a hash of its bytes; LevelDB's diagnostic logs left out. */
  private static Map<Path, String> digest(Path root) throws IOException {
    Map<Path, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().equals("LOG") && !f.getFileName().toString().equals("LOG.old"))
          .forEach(f -> files.put(root.relativize(f), sha256(f)));
    }
    return files;
  }

  private static String sha256(Path file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Binaries.Result run(String binary, List<String> args) throws Exception {
    return binaries.run(binary, args.toArray(String[]::new));
  }

  private Binaries.Result run(String binary, String... args) throws Exception {
    return binaries.run(binary, args);
  }

  private static List<String> concat(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all;
  }

  /** One line on stderr, prefixed with the binary's name and holding {@code fragment}; nothing on stdout. */
  private static void assertFails(int exit, String fragment, Binaries.Result r) {
    assertEquals(exit, r.exit(), r.toString());
    assertEquals(1, r.stderrLines().size(), r.toString());
    assertTrue(r.stderrLines().get(0).contains(fragment), "expected '" + fragment + "' in: " + r);
    assertEquals("", r.stdout(), r.toString());
  }
}
