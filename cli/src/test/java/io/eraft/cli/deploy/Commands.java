package io.eraft.cli.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.eraft.cli.Binaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs host commands (docker, docker-compose, debootstrap) to completion, each within a limit (a
 * liveness guard), with its output in a file of the logs directory.
 */
final class Commands {
  private final Path logs;
  private final Map<String, String> env;
  private int launched;

  /** Every command gets {@code env} on top of this JVM's environment. */
  Commands(Path logs, Map<String, String> env) {
    this.logs = logs;
    this.env = Map.copyOf(env);
  }

  /** Runs {@code command}; fails the test if it has not finished within {@code limit}. */
  Binaries.Result run(Duration limit, List<String> command) throws IOException, InterruptedException {
    return run(limit, command, null);
  }

  /** As {@link #run(Duration, List)}, with {@code stdin} as its standard input. */
  Binaries.Result run(Duration limit, List<String> command, String stdin) throws IOException, InterruptedException {
    int n = ++launched;
    String name = n + "-" + Path.of(command.get(0)).getFileName();
    Path out = logs.resolve(name + ".out");
    Path err = logs.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    if (stdin != null) {
      pb.redirectInput(Files.writeString(logs.resolve(name + ".in"), stdin).toFile());
    }
    long start = System.nanoTime();
    Process p = pb.start();
    try {
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(String.join(" ", command) + " did not finish within " + limit + "; output in " + out + " and " + err);
      }
    } finally {
      p.destroyForcibly();
    }
    return new Binaries.Result(p.exitValue(), Files.readString(out), Files.readString(err),
        Duration.ofNanos(System.nanoTime() - start));
  }

  /** Runs {@code command}, which must succeed; returns its standard output. */
  String check(Duration limit, String... command) throws IOException, InterruptedException {
    Binaries.Result r = run(limit, List.of(command));
    assertEquals(0, r.exit(), () -> String.join(" ", command) + ": " + r);
    return r.stdout();
  }

  /** Whether {@code command} exits 0 within a minute; false if it cannot even start. */
  boolean succeeds(String... command) throws InterruptedException {
    try {
      return run(Duration.ofMinutes(1), List.of(command)).exit() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
