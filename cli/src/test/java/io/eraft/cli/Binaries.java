package io.eraft.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the launchers in {@code cli/bin} (and so the fat jars) as separate processes, as a user
 * would, and tracks every process it starts so a test can stop them all by PID.
 */
public final class Binaries implements AutoCloseable {
  /** A liveness guard, never a speed requirement: what a single command may take on a loaded machine. */
  public static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);

  private final Path bin = Path.of(System.getProperty("eraft.cli.bin", "bin")).toAbsolutePath();
  private final Path logs;
  private final List<Server> servers = new ArrayList<>();
  private int launched;

  public Binaries(Path logs) {
    this.logs = logs;
  }

  /** What a finished command printed, and how long it took. */
  public record Result(int exit, String stdout, String stderr, Duration took) {
    public List<String> stderrLines() {
      return stderr.lines().toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + " after " + took.toMillis() + " ms\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /** Runs {@code bin/<binary> args...} to completion (killed, and the test failed, past {@link #COMMAND_LIMIT}). */
  public Result run(String binary, String... args) throws IOException, InterruptedException {
    int n = ++launched;
    Path out = logs.resolve(binary + "-" + n + ".out");
    Path err = logs.resolve(binary + "-" + n + ".err");
    long start = System.nanoTime();
    Process p = builder(binary, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(binary + " " + String.join(" ", args) + " did not finish within " + COMMAND_LIMIT);
      }
    } finally {
      p.destroyForcibly();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err), took);
  }

  /**
   * Starts the server {@code bin/<binary> args...} in the background; {@link #close} stops it if the
   * test did not.
   */
  public Server startServer(String binary, String... args) throws IOException {
    // Three servers and the clients share two cores: small heaps, and no C2 compiler threads
    // competing with them (the clients run with their launchers' defaults, already this lean).
    return startServerWith("-XX:+UseSerialGC -Xmx256m -XX:TieredStopAtLevel=1", binary, args);
  }

  /**
   * As {@link #startServer(String, String...)}, with these JVM flags ({@code JAVA_OPTS}). Unless
   * {@code args} name a {@code --metrics-port}, the server gets {@code --metrics-port 0} (a free
   * port, see {@link Server#metricsUrl()}): the default, its gRPC port + 100, need not be free.
   */
  public Server startServerWith(String javaOpts, String binary, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of(args));
    if (!argv.contains("--metrics-port")) {
      argv.addAll(List.of("--metrics-port", "0"));
    }
    return startProcess(javaOpts, binary, argv.toArray(String[]::new));
  }

  /**
   * Starts {@code bin/<binary> args...} in the background, as given, with these JVM flags ({@code
   * JAVA_OPTS}); {@link #close} stops it if the test did not.
   */
  public Server startProcess(String javaOpts, String binary, String... args) throws IOException {
    int n = ++launched;
    Path out = logs.resolve(binary + "-" + n + ".out");
    Path err = logs.resolve(binary + "-" + n + ".err");
    ProcessBuilder pb = builder(binary, args);
    pb.environment().put("JAVA_OPTS", javaOpts);
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    Server server = new Server(binary, p, out, err);
    servers.add(server);
    return server;
  }

  private ProcessBuilder builder(String binary, String... args) {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve(binary).toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /** A server process. The launcher execs java, so this process's PID is the server's. */
  public static final class Server {
    private static final Pattern METRICS_LINE = Pattern.compile("Metrics on (http://[^ ]+)/metrics");
    private final String binary;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    Server(String binary, Process process, Path stdout, Path stderr) {
      this.binary = binary;
      this.process = process;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    /** Waits until stdout holds {@code line}, failing if the process exits first or the limit passes. */
    public void awaitStdout(String line) throws IOException, InterruptedException {
      awaitOutput(text -> text.contains(line), "print '" + line.strip() + "'");
    }

    private void awaitOutput(Predicate<String> ready, String what) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + COMMAND_LIMIT.toNanos();
      while (!ready.test(Files.readString(stdout, StandardCharsets.UTF_8))) {
        if (!process.isAlive()) {
          fail(binary + " (pid " + process.pid() + ") exited with " + process.exitValue() + " before it did "
              + what + "; stderr:\n" + Files.readString(stderr));
        }
        if (System.nanoTime() > deadline) {
          fail(binary + " (pid " + process.pid() + ") did not " + what + " within " + COMMAND_LIMIT);
        }
        Thread.sleep(50);
      }
    }

    /** The base URL of the server's operations port, from the line it printed at start. */
    public String metricsUrl() throws IOException, InterruptedException {
      awaitOutput(text -> METRICS_LINE.matcher(text).find(), "print its metrics address");
      Matcher m = METRICS_LINE.matcher(Files.readString(stdout, StandardCharsets.UTF_8));
      m.find();
      return m.group(1);
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends {@code signal} ("STOP", "CONT", ...) with kill(1). */
    public void signal(String signal) throws IOException, InterruptedException {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
        fail("kill -" + signal + " " + process.pid() + " failed");
      }
    }

    public String stdoutText() throws IOException {
      return Files.readString(stdout);
    }

    /** SIGTERM, then SIGKILL if it has not stopped within the limit; returns the exit status. */
    public int stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
      return process.exitValue();
    }

    public String stderrText() throws IOException {
      return Files.readString(stderr);
    }

    /** CPU time the process has used so far (user and system), as the kernel reports it. */
    public Duration cpuTime() {
      return process.info().totalCpuDuration().orElseThrow(
          () -> new IllegalStateException("the platform does not report the CPU time of pid " + process.pid()));
    }
  }

  /** Stops every server this instance started that is still running, each by its PID. */
  @Override
  public void close() throws InterruptedException {
    for (Server s : servers) {
      if (s.process.isAlive()) {
        s.stop();
      }
    }
  }
}
