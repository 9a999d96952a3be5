package io.eraft.cli.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eraft.cli.Cli;
import io.eraft.cli.ExitCode;
import io.eraft.raft.cluster.FreePorts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Flag parsing and usage errors of shardkv, checked before any controller is asked; and an unreachable system. */
class ShardKvClientCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Cli.execute(new ShardKvClientCommand(), new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "| shardkv: a command is required: get, put, append, status or bench (see 'shardkv --help')",
      "get | shardkv get: Missing required parameter: 'KEY' (see 'shardkv get --help')",
      "put k | shardkv put: Missing required parameter: 'VALUE' (see 'shardkv put --help')",
      "frob | shardkv: Unmatched argument at index 0: 'frob' (see 'shardkv --help')",
      "bench abc | shardkv bench: Invalid number of requests: abc is not an integer (see 'shardkv bench --help')",
      "bench 0 | shardkv bench: N must be at least 1, got 0 (see 'shardkv bench --help')",
      "bench --clients 0 | shardkv bench: --clients must be at least 1 (see 'shardkv bench --help')",
      "bench --read-ratio 2 | shardkv bench: --read-ratio must be between 0 and 1 (see 'shardkv bench --help')",
      "bench 10 --warmup 1s | shardkv bench: --warmup needs the closed loop (--clients or --duration)"
          + " (see 'shardkv bench --help')",
      "--timeout 0 get k | shardkv: --timeout 0 would give up before asking any server (0 does not mean no limit):"
          + " give a positive duration such as 5s (see 'shardkv --help')",
      "-ctrlers nonsense get k | shardkv: -ctrlers: 'nonsense' is not host:port (see 'shardkv --help')",
      "-cluster h:1 get k | shardkv: -cluster is shardctl's flag: use -ctrlers for the controllers' addresses"
          + " (see 'shardkv --help')"})
  void usageErrorsAreOneLineAndExitTwo(String args, String line) {
    assertEquals(ExitCode.USAGE, run(args == null ? new String[0] : args.split(" ")));
    assertEquals(line + System.lineSeparator(), err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void anUnreachableSystemFailsWithinTheTimeoutInOneLine() throws IOException {
    String nobody = "127.0.0.1:" + FreePorts.pick();
    long start = System.nanoTime();
    assertEquals(ExitCode.FAILURE, run("-ctrlers", nobody, "--timeout", "1s", "get", "k"));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 10_000, "gave up after " + millis + " ms"); // a liveness guard, not a speed test
    String line = err.toString();
    assertTrue(line.startsWith("shardkv: could not connect to any server"), line);
    assertTrue(line.contains(nobody), line);
    assertEquals(1, line.lines().count(), line);
    assertEquals("", out.toString());
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] args : new String[][] {{"--help"}, {"get", "--help"}, {"put", "--help"}, {"append", "--help"},
        {"status", "--help"}, {"bench", "--help"}}) {
      assertEquals(ExitCode.OK, run(args), String.join(" ", args));
    }
    assertTrue(out.toString().contains("Usage: shardkv bench"), out.toString());
    assertEquals("", err.toString());
  }
}
