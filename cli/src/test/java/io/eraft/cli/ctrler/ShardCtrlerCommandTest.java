package io.eraft.cli.ctrler;

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

/** Flag parsing and usage errors of shardctrler; nothing here opens a store or a port. */
class ShardCtrlerCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void eRaftFlagsInBothFormsAndTheDefaults() {
    ShardCtrlerCommand c = new ShardCtrlerCommand();
    Cli.commandLine(c, new PrintWriter(out, true), new PrintWriter(err, true))
        .parseArgs("-id=2", "--cluster", "h:1,h:2,h:3", "-db", "d");
    assertEquals(2, c.id);
    assertEquals("h:1,h:2,h:3", c.cluster);
    assertEquals(Path.of("d"), c.db);

    c = new ShardCtrlerCommand();
    Cli.commandLine(c, new PrintWriter(out, true), new PrintWriter(err, true)).parseArgs();
    assertEquals(0, c.id);
    assertEquals("127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053", c.cluster);
    assertEquals(Duration.ofMillis(500), c.server.executeTimeout());

    StringWriter help = new StringWriter();
    assertEquals(ExitCode.OK, Cli.execute(new ShardCtrlerCommand(), new PrintWriter(help, true),
        new PrintWriter(err, true), "-help"));
    String text = help.toString().replaceAll("\\s+", " ");
    assertTrue(text.contains("(default: data/shardctrler-<id>)"), text);
    assertTrue(text.contains("How often a leader heartbeats (default: 100ms)"), text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-id 3 | shardctrler: -id 3 is not a position in -cluster, which lists 3 servers: use an id from 0 to 2"
          + " (see 'shardctrler --help')",
      "-cluster h:1,h | shardctrler: -cluster: 'h' is not host:port (see 'shardctrler --help')",
      "--execute-timeout 0s | shardctrler: --execute-timeout must be positive, got 0ms (see 'shardctrler --help')",
      "--election-timeout 150ms | shardctrler: --election-timeout 150ms must be at least twice --heartbeat-interval"
          + " 100ms (see 'shardctrler --help')",
      "-addrs h:1 | shardctrler: -addrs is kvserver's flag: use -cluster for the controllers' addresses"
          + " (see 'shardctrler --help')",
      "--addrs=h:1 | shardctrler: -addrs is kvserver's flag: use -cluster for the controllers' addresses"
          + " (see 'shardctrler --help')",
      "-x 1 | shardctrler: Unknown options: '-x', '1' (see 'shardctrler --help')"})
  void usageErrorsAreOneLineExitTwoAndTouchNoData(String args, String line) {
    Path data = dir.resolve("data");
    String[] argv = (args + " -db " + data).split(" ");
    assertEquals(ExitCode.USAGE, Cli.execute(new ShardCtrlerCommand(), new PrintWriter(out, true),
        new PrintWriter(err, true), argv));
    assertEquals(line + System.lineSeparator(), err.toString());
    assertEquals("", out.toString());
    assertFalse(Files.exists(data));
  }
}
