package io.eraft.cli.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.eraft.cli.Cli;
import io.eraft.cli.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Flag errors of shardkvserver: one line, exit 2, before anything starts. */
class ShardKvServerCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-id 0 | shardkvserver: Missing required option: '--gid=<gid>' (see 'shardkvserver --help')",
      "-gid 0 | shardkvserver: -gid must be positive, got 0 (gid 0 means \"no group\": a group under it could never"
          + " own a shard) (see 'shardkvserver --help')",
      "-gid 100 -id 3 | shardkvserver: -id 3 is not a position in -cluster, which lists 3 servers: use an id from 0"
          + " to 2 (see 'shardkvserver --help')",
      "-gid 100 -ctrlers x | shardkvserver: -ctrlers: 'x' is not host:port (see 'shardkvserver --help')",
      "-gid 100 -addrs h:1 | shardkvserver: -addrs is kvserver's flag: use -cluster for this group's addresses"
          + " (see 'shardkvserver --help')"})
  void flagErrorsAreOneLineAndExitTwo(String args, String line) {
    int code = Cli.execute(new ShardKvServerCommand(), new PrintWriter(out, true), new PrintWriter(err, true),
        args.split(" "));
    assertEquals(ExitCode.USAGE, code);
    assertEquals(line + System.lineSeparator(), err.toString());
    assertEquals("", out.toString());
  }
}
