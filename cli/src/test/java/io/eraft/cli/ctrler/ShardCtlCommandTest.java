package io.eraft.cli.ctrler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.eraft.cli.Cli;
import io.eraft.cli.ExitCode;
import io.eraft.cli.OutputFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Argument parsing and usage errors of shardctl; nothing here reaches a controller. */
class ShardCtlCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Cli.execute(new ShardCtlCommand(), new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void eRaftDefaultsAndFlagsBeforeOrAfterTheCommand() {
    ShardCtlCommand c = new ShardCtlCommand();
    CommandLine cli = Cli.commandLine(c, new PrintWriter(out, true), new PrintWriter(err, true));
    cli.parseArgs("query");
    assertEquals("127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053", c.cluster);
    assertEquals(OutputFormat.TEXT, c.output);

    c = new ShardCtlCommand();
    cli = Cli.commandLine(c, new PrintWriter(out, true), new PrintWriter(err, true));
    CommandLine.ParseResult parsed = cli.parseArgs("-cluster=h:1", "move", "3", "100", "--output", "json",
        "--timeout", "2s");
    assertEquals("h:1", c.cluster);
    assertEquals(OutputFormat.JSON, c.output);
    assertEquals(Duration.ofSeconds(2), c.timeout);
    ShardCtlCommand.Move move = (ShardCtlCommand.Move) parsed.subcommand().commandSpec().userObject();
    assertEquals(3, move.shard);
    assertEquals(100, move.gid);
  }

  @Test
  void queryDefaultsToTheLatestConfig() {
    ShardCtlCommand c = new ShardCtlCommand();
    CommandLine.ParseResult parsed = Cli.commandLine(c, new PrintWriter(out, true), new PrintWriter(err, true))
        .parseArgs("query");
    assertEquals(-1, ((ShardCtlCommand.Query) parsed.subcommand().commandSpec().userObject()).num);
  }

  @Test
  void joinArgumentsAreGroupsWithTheirServers() {
    assertEquals(Map.of(100, List.of("localhost:6001", "localhost:6002"), 7, List.of("h:1")),
        ShardCtlCommand.parseGroups(List.of("100=localhost:6001,localhost:6002", "7=h:1")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "100 | '100' is not GID=ADDR[,ADDR...]",
      "100=a:1=b:2 | '100=a:1=b:2' is not GID=ADDR[,ADDR...]",
      "x=a:1 | 'x=a:1' does not start with a group id (a positive integer)",
      "0=a:1 | gid 0 in '0=a:1' must be positive (0 means no group)",
      "-2=a:1 | gid -2 in '-2=a:1' must be positive (0 means no group)",
      "5= | gid 5: '' is not host:port",
      "5=a:1,a:1 | gid 5: 'a:1' is listed twice"})
  void malformedJoinArgumentsAreNamed(String arg, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ShardCtlCommand.parseGroups(List.of(arg)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void aGidGivenTwiceIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShardCtlCommand.parseGroups(List.of("5=a:1", "5=b:1")));
    assertEquals("gid 5 is given twice", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      " | shardctl: a command is required: join, leave, move, query or status (see 'shardctl --help')",
      "frob | shardctl: Unmatched argument at index 0: 'frob' (see 'shardctl --help')",
      "join | shardctl join: Missing required parameter: 'GID=ADDR[,ADDR...]' (see 'shardctl join --help')",
      "join 1 | shardctl join: '1' is not GID=ADDR[,ADDR...] (see 'shardctl join --help')",
      "leave | shardctl leave: Missing required parameter: 'GID' (see 'shardctl leave --help')",
      "leave x | shardctl leave: Invalid value for positional parameter at index 0..* (GID): 'x' is not an int"
          + " (see 'shardctl leave --help')",
      "move 1 | shardctl move: Missing required parameter: 'GID' (see 'shardctl move --help')",
      "query 1 2 | shardctl query: Unmatched argument at index 2: '2' (see 'shardctl query --help')",
      "--timeout 0s query | shardctl: --timeout 0 would give up before asking any server (0 does not mean no limit):"
          + " give a positive duration such as 5s (see 'shardctl --help')",
      "join 1=h:1 --timeout 0 | shardctl: --timeout 0 would give up before asking any server (0 does not mean no"
          + " limit): give a positive duration such as 5s (see 'shardctl --help')",
      "--timeout -1s status | shardctl: --timeout -1s would give up before asking any server: give a positive"
          + " duration such as 5s (see 'shardctl --help')",
      "move 1 2 --timeout -1s | shardctl: --timeout -1s would give up before asking any server: give a positive"
          + " duration such as 5s (see 'shardctl --help')",
      "--output yaml query | shardctl: Invalid value for option '--output': expected one of [TEXT, JSON]"
          + " (case-insensitive) but was 'yaml' (see 'shardctl --help')",
      "-cluster nonsense status | shardctl: -cluster: 'nonsense' is not host:port (see 'shardctl --help')",
      "-addrs h:1 query | shardctl: -addrs is kvclient's flag: use -cluster for the controllers' addresses"
          + " (see 'shardctl --help')",
      "query -addrs=h:1 | shardctl query: -addrs is kvclient's flag: use -cluster for the controllers' addresses"
          + " (see 'shardctl query --help')"})
  void usageErrorsAreOneLineAndExitTwo(String args, String line) {
    assertEquals(ExitCode.USAGE, run(args == null ? new String[0] : args.split(" ")));
    assertEquals(line + System.lineSeparator(), err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] args : new String[][] {{"--help"}, {"-h"}, {"-help"}, {"join", "--help"}, {"leave", "--help"},
        {"move", "--help"}, {"query", "--help"}, {"status", "--help"}}) {
      assertEquals(ExitCode.OK, run(args), String.join(" ", args));
    }
    assertEquals("", err.toString());
  }
}
