package io.eraft.cli.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Cli;
import io.eraft.cli.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Flag parsing and usage errors of kvserver; nothing here opens a store or a port. */
class KvServerCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine parser(Object command) {
    return Cli.commandLine(command, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void goStyleAndDoubleDashFlagsBothWork() {
    KvServerCommand c = new KvServerCommand();
    parser(c).parseArgs("-id=1", "-addrs", "h:1,h:2", "--db", "d", "--heartbeat-interval", "50ms",
        "--snapshot-threshold", "1MiB");
    assertEquals(1, c.id);
    assertEquals("h:1,h:2", c.addrs);
    assertEquals(Path.of("d"), c.db);
  }

  @Test
  void defaultsAreERaftsAndRaftConfigs() {
    StringWriter help = new StringWriter();
    assertEquals(ExitCode.OK, Cli.execute(new KvServerCommand(), new PrintWriter(help, true),
        new PrintWriter(err, true), "--help"));
    String text = help.toString().replaceAll("\\s+", " ");
    assertTrue(text.replace(" ", "").contains("(default:localhost:5001,localhost:5002,localhost:5003)"), text);
    assertTrue(text.contains("How often a leader heartbeats (default: 100ms)"), text);
    assertTrue(text.contains("(default: 1s)"), text);
    assertTrue(text.contains("(default: 64MiB)"), text);
    assertTrue(text.contains("(default: 1MiB)"), text);
    assertTrue(text.contains("(default: 500ms)"), text);
    KvServerCommand c = new KvServerCommand();
    parser(c).parseArgs();
    assertEquals(0, c.id);
    assertEquals(Duration.ofMillis(500), c.server.executeTimeout());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-id 3 -addrs h:1,h:2,h:3 | kvserver: -id 3 is not a position in -addrs, which lists 3 servers: use an id from"
          + " 0 to 2 (see 'kvserver --help')",
      "-id -1 | kvserver: -id -1 is not a position in -addrs, which lists 3 servers: use an id from 0 to 2"
          + " (see 'kvserver --help')",
      "-addrs h:1,h:1 | kvserver: -addrs: 'h:1' is listed twice (see 'kvserver --help')",
      "--election-timeout 150ms | kvserver: --election-timeout 150ms must be at least twice --heartbeat-interval"
          + " 100ms (see 'kvserver --help')",
      "--heartbeat-interval 5 | kvserver: Invalid value for option '--heartbeat-interval': '5' is not a duration:"
          + " write e.g. 500ms, 5s or 2m (see 'kvserver --help')",
      "-db | kvserver: Missing required parameter for option '--db' (<dir>) (see 'kvserver --help')",
      "-cluster h:1 | kvserver: -cluster is shardctrler's flag: use -addrs for the servers' addresses"
          + " (see 'kvserver --help')"})
  void usageErrorsAreOneLineExitTwoAndTouchNoData(String args, String line) {
    Path data = dir.resolve("data");
    String[] argv = args.split(" ");
    if (!args.contains("-db")) {
      argv = (args + " -db " + data).split(" ");
    }
    assertEquals(ExitCode.USAGE, Cli.execute(new KvServerCommand(), new PrintWriter(out, true),
        new PrintWriter(err, true), argv));
    assertEquals(line + System.lineSeparator(), err.toString());
    assertEquals("", out.toString());
    assertFalse(Files.exists(data));
  }
}
