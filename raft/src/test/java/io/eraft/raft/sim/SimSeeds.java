package io.eraft.raft.sim;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Seeds for simulated runs: {@code -Draft.sim.seed=N} replays one run, otherwise each run draws a
 * fresh seed. Register as a JUnit extension so a failing test prints its seed and the one command
 * that replays it.
 */
public final class SimSeeds implements TestWatcher {
  private long seed;

  /** The seed for this test: the replay property if given, else a fresh one (remembered). */
  public long next() {
    String fixed = System.getProperty("raft.sim.seed");
    seed = fixed != null ? Long.parseLong(fixed) : ThreadLocalRandom.current().nextLong();
    return seed;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    String test = context.getRequiredTestClass().getSimpleName() + "#" + context.getRequiredTestMethod().getName();
    System.err.println(replayHint(test, seed, context.getTestClass().map(Class::getPackageName)));
  }

  /** The replay command; the Maven module is the package's third part ({@code io.eraft.<module>}). */
  static String replayHint(String test, long seed, Optional<String> packageName) {
    String module = packageName.map(p -> p.split("\\.")).filter(parts -> parts.length > 2).map(parts -> parts[2])
        .orElse("raft");
    return "SIMULATION FAILED with seed " + seed + "; replay with:\n  mvn -B -pl " + module + " -am test -Dtest='" + test
        + "' -Draft.sim.seed=" + seed + " -Dsurefire.failIfNoSpecifiedTests=false -Dsim.log.level=INFO";
  }
}
