package io.eraft.cli.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Cli;
import io.eraft.cli.ExitCode;
import io.eraft.cli.OutputFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Flag parsing and usage errors of kvclient; nothing here reaches a server. */
class KvClientCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Cli.execute(new KvClientCommand(), new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private CommandLine parser(Object command) {
    return Cli.commandLine(command, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void eRaftFormParsesGoStyleAndDoubleDashFlags() {
    KvClientCommand c = new KvClientCommand();
    parser(c).parseArgs("-addrs=h:1,h:2", "-op", "put", "--key", "k", "-value=v w");
    assertEquals("h:1,h:2", c.addrs);
    assertEquals("put", c.op);
    assertEquals("k", c.key);
    assertEquals("v w", c.value);
    assertEquals(Duration.ofSeconds(5), c.timeout);
  }

  @Test
  void eRaftDefaultsAreKept() {
    KvClientCommand c = new KvClientCommand();
    parser(c).parseArgs();
    assertEquals("localhost:5001,localhost:5002,localhost:5003", c.addrs);
    assertEquals("get", c.op);
  }

  @Test
  void clusterFlagsMayFollowTheSubcommand() {
    KvClientCommand c = new KvClientCommand();
    CommandLine.ParseResult parsed = parser(c).parseArgs("get", "k", "-addrs", "h:1", "--timeout", "1s");
    assertEquals("h:1", c.addrs);
    assertEquals(Duration.ofSeconds(1), c.timeout);
    assertEquals("k", ((KvClientCommand.Get) parsed.subcommand().commandSpec().userObject()).key);
  }

  @Test
  void outputFormatIsTextByDefaultAndJsonAnywhereOnTheLine() {
    KvClientCommand c = new KvClientCommand();
    parser(c).parseArgs("get", "k");
    assertEquals(OutputFormat.TEXT, c.output);
    for (String[] args : new String[][] {{"--output", "json", "get", "k"}, {"get", "k", "--output=JSON"},
        {"-op", "get", "-key", "k", "--output", "json"}, {"status", "--output", "json"},
        {"bench", "--output", "json"}}) {
      c = new KvClientCommand();
      parser(c).parseArgs(args);
      assertEquals(OutputFormat.JSON, c.output, String.join(" ", args));
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-op frob -key k | kvclient: unknown -op 'frob': use get, put, append or status (see 'kvclient --help')",
      "-op get | kvclient: -op get needs -key (see 'kvclient --help')",
      "-op put -key k | kvclient: -op put needs -value (see 'kvclient --help')",
      "get | kvclient get: Missing required parameter: 'KEY' (see 'kvclient get --help')",
      "--timeout 0s get k | kvclient: --timeout 0 would give up before asking any server (0 does not mean no limit):"
          + " give a positive duration such as 5s (see 'kvclient --help')",
      "--timeout 0 status | kvclient: --timeout 0 would give up before asking any server (0 does not mean no limit):"
          + " give a positive duration such as 5s (see 'kvclient --help')",
      "-op put -key k -value v --timeout=-1s | kvclient: --timeout -1s would give up before asking any server:"
          + " give a positive duration such as 5s (see 'kvclient --help')",
      "put k v --timeout -2s | kvclient: --timeout -2s would give up before asking any server:"
          + " give a positive duration such as 5s (see 'kvclient --help')",
      "bench --timeout 0 | kvclient: --timeout 0 would give up before asking any server (0 does not mean no limit):"
          + " give a positive duration such as 5s (see 'kvclient --help')",
      "-addrs nonsense get k | kvclient: -addrs: 'nonsense' is not host:port (see 'kvclient --help')",
      "bench --clients 0 | kvclient bench: --clients must be at least 1 (see 'kvclient bench --help')",
      "bench --key-bytes 3 | kvclient bench: --key-bytes 3 is too short to name 10000 keys; use at least 5"
          + " (see 'kvclient bench --help')",
      "-x | kvclient: Unknown option: '-x' (see 'kvclient --help')",
      "--output yaml get k | kvclient: Invalid value for option '--output': expected one of [TEXT, JSON]"
          + " (case-insensitive) but was 'yaml' (see 'kvclient --help')",
      "-cluster h:1 get k | kvclient: -cluster is shardctl's flag: use -addrs for the servers' addresses"
          + " (see 'kvclient --help')",
      "get k --cluster=h:1 | kvclient get: -cluster is shardctl's flag: use -addrs for the servers' addresses"
          + " (see 'kvclient get --help')"})
  void usageErrorsAreOneLineAndExitTwo(String args, String line) {
    assertEquals(ExitCode.USAGE, run(args.split(" ")));
    assertEquals(line + System.lineSeparator(), err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] args : new String[][] {{"--help"}, {"-h"}, {"-help"}, {"get", "--help"}, {"put", "--help"},
        {"append", "--help"}, {"status", "--help"}, {"bench", "--help"}}) {
      assertEquals(ExitCode.OK, run(args), String.join(" ", args));
    }
    assertTrue(out.toString().contains("Usage: kvclient bench"), out.toString());
    assertEquals("", err.toString());
  }
}
