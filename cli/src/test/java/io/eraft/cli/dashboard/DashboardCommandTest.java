package io.eraft.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Cli;
import io.eraft.cli.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The dashboard's flags: eRaft's names and defaults, and one clear line for each bad start. */
class DashboardCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Cli.execute(new DashboardCommand(), new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void eRaftFlagsAndDefaults() {
    DashboardCommand c = new DashboardCommand();
    Cli.commandLine(c, new PrintWriter(out, true), new PrintWriter(err, true)).parseArgs();
    assertEquals(8080, c.port);
    assertEquals("127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053", c.configAddrs);
    assertEquals(Duration.ofSeconds(5), c.updateInterval);
    assertEquals(Duration.ofSeconds(2), c.timeout);

    c = new DashboardCommand();
    Cli.commandLine(c, new PrintWriter(out, true), new PrintWriter(err, true))
        .parseArgs("-port", "9090", "-config-addrs=h:1,h:2", "--update-interval", "500ms");
    assertEquals(9090, c.port);
    assertEquals("h:1,h:2", c.configAddrs);
    assertEquals(Duration.ofMillis(500), c.updateInterval);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-port 70000                  | -port 70000 is not a port",
      "-update-interval 0           | -update-interval must be positive",
      "-update-interval soon        | 'soon' is not a duration",
      "-config-addrs nohostport      | -config-addrs",
      "--timeout 0                  | --timeout 0 would give up before asking any server",
      "-shard-groups 100            | Unknown options: '-shard-groups'",
  })
  void badFlagsAreOneUsageLine(String args, String problem) {
    assertEquals(ExitCode.USAGE, run(args.split(" ")));
    assertEquals("", out.toString());
    String line = err.toString();
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.startsWith("dashboard: ") && line.contains(problem) && line.contains("--help"), line);
  }

  @Test
  void aPortInUseIsOneLineNamingItAndTheFlag() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      assertEquals(ExitCode.FAILURE, run("-host", "127.0.0.1", "-port", Integer.toString(port)));
      assertEquals("dashboard: cannot listen for the dashboard on 127.0.0.1:" + port
          + " (address already in use or not local): stop the process using it or choose another -port\n",
          err.toString());
    }
  }
}
