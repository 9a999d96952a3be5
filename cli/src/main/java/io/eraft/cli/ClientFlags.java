package io.eraft.cli;

import io.eraft.raft.server.GroupAddresses;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** Checks of the flags every client binary takes: the servers to reach and the request deadline. */
public final class ClientFlags {
  private ClientFlags() {}

  /** The servers {@code flag} names; a malformed list is a usage error. */
  public static List<String> addresses(CommandSpec spec, String flag, String list) {
    return Usage.check(spec, () -> GroupAddresses.parse(flag, list));
  }

  /** {@code timeout}, which must be positive. */
  public static Duration timeout(CommandSpec spec, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw Usage.error(spec, "--timeout must be positive");
    }
    return timeout;
  }
}
