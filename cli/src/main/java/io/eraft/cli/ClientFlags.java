package io.eraft.cli;

import io.eraft.raft.server.GroupAddresses;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** Checks of the flags every client binary takes: the servers to reach and the request deadline. Stateless. */
public final class ClientFlags {
  private ClientFlags() {}

  /** The servers {@code flag} names; a malformed list is a usage error. */
  public static List<String> addresses(CommandSpec spec, String flag, String list) {
    return Usage.check(spec, () -> GroupAddresses.parse(flag, list));
  }

  /**
   * {@code timeout}, which must be positive: a request gives up once it has passed, so with 0 or
   * less it would give up before asking any server. 0 is refused rather than read as "no limit",
   * which a client that never gives up would need (eRaft's hangs forever on a dead cluster).
   */
  public static Duration timeout(CommandSpec spec, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw Usage.error(spec, "--timeout " + (timeout.isZero() ? "0" : DurationConverter.format(timeout))
          + " would give up before asking any server" + (timeout.isZero() ? " (0 does not mean no limit)" : "")
          + ": give a positive duration such as 5s");
    }
    return timeout;
  }
}
