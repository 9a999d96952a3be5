package io.eraft.cli.shardkv;

import io.eraft.cli.CommandFailure;
import io.eraft.cli.DurationConverter;
import io.eraft.cli.ExitCode;
import io.eraft.cli.OutputFormat;
import io.eraft.cli.bench.BenchData;
import io.eraft.cli.bench.BenchOp;
import io.eraft.cli.bench.BenchResult;
import io.eraft.cli.bench.BenchSession;
import io.eraft.cli.bench.ClosedLoop;
import io.eraft.cli.bench.GoDuration;
import io.eraft.cli.json.Json;
import io.eraft.raft.client.RequestRefusedException;
import io.eraft.shardkv.client.ShardKvClerk;
import io.eraft.shardkv.client.ShardKvClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shardkv bench}: eRaft's sequential benchmark ({@code bench N}: N Puts from one clerk, one at
 * a time, with eRaft's keys, progress lines and final line), or with {@code --clients} or
 * {@code --duration} a closed-loop load of many clients over a key space spread evenly over the
 * shards. Both end with a summary: throughput, latency percentiles, failures by kind.
 */
@Command(name = "bench", sortOptions = false, usageHelpAutoWidth = true,
    description = "bench N: eRaft's benchmark, N sequential Puts from one client. With --clients or --duration:"
        + " that many concurrent clients (closed loop), for N operations or for the duration.",
    footer = {"", "Exit status: 0 if every operation succeeded; 1 if any failed (after the summary); 2 for a usage"
        + " error."})
final class ShardKvBench implements Callable<Integer> {
  private static final int ERAFT_PROGRESS_EVERY = 100;

  @ParentCommand ShardKvClientCommand parent;
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "N", description = "How many requests.")
  String requests;

  @Option(names = "--clients", paramLabel = "<n>", description = "Concurrent clients, each with one operation"
      + " outstanding (closed loop).")
  Integer clients;

  @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "<duration>",
      description = "Run this long instead of for N requests (closed loop; 10s if neither N nor this is given).")
  Duration duration;

  @Option(names = "--value-size", defaultValue = "128", paramLabel = "<bytes>",
      description = "Value length of the closed loop's Puts (default: ${DEFAULT-VALUE}).")
  int valueSize;

  @Option(names = "--read-ratio", defaultValue = "0", paramLabel = "<0..1>",
      description = "Share of Gets in the closed loop; the rest are Puts (default: ${DEFAULT-VALUE}).")
  double readRatio;

  @Option(names = "--keyspace", defaultValue = "10000", paramLabel = "<n>",
      description = "Distinct keys of the closed loop, spread evenly over the shards (default: ${DEFAULT-VALUE}).")
  int keyspace;

  @Option(names = "--warmup", defaultValue = "0s", converter = DurationConverter.class, paramLabel = "<duration>",
      description = "Unmeasured closed-loop load first, so the JIT compilers have done their work"
          + " (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Override
  public Integer call() throws InterruptedException {
    Long count = requestCount();
    boolean eraftForm = count != null && clients == null && duration == null;
    validate(eraftForm);
    try (ShardKvClient client = parent.connect()) {
      BenchResult result = eraftForm ? sequential(client, count) : closedLoop(client, count);
      PrintWriter out = parent.out();
      out.print(parent.output == OutputFormat.JSON ? json(result, eraftForm ? 1 : clients()) : summary(result));
      out.flush();
      if (result.failed() > 0) {
        throw new CommandFailure(result.failed() + " operations failed; the last: " + result.lastFailure());
      }
    }
    return ExitCode.OK;
  }

  private Long requestCount() {
    if (requests == null) {
      return null;
    }
    try {
      long n = Long.parseLong(requests);
      if (n < 1) {
        throw new ParameterException(spec.commandLine(), "N must be at least 1, got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ParameterException(spec.commandLine(), "Invalid number of requests: " + requests
          + " is not an integer");
    }
  }

  private void validate(boolean eraftForm) {
    require(clients == null || clients >= 1, "--clients must be at least 1");
    require(duration == null || (!duration.isNegative() && !duration.isZero()), "--duration must be positive");
    require(!warmup.isNegative(), "--warmup must not be negative");
    require(keyspace >= 1, "--keyspace must be at least 1");
    require(valueSize >= 0, "--value-size must not be negative");
    require(readRatio >= 0 && readRatio <= 1, "--read-ratio must be between 0 and 1");
    require(!eraftForm || warmup.isZero(), "--warmup needs the closed loop (--clients or --duration)");
  }

  private void require(boolean valid, String problem) {
    if (!valid) {
      throw new ParameterException(spec.commandLine(), problem);
    }
  }

  private int clients() {
    return clients == null ? 1 : clients;
  }

  /** eRaft's bench: N Puts, one at a time, with its key and value forms and its lines. */
  private BenchResult sequential(ShardKvClient client, long n) {
    PrintWriter out = parent.out();
    boolean text = parent.output == OutputFormat.TEXT;
    if (text) {
      out.println("Starting benchmark with " + n + " requests...");
      out.flush();
    }
    ShardKvClerk clerk = client.newClerk();
    Histogram latencies = new Histogram(3);
    Map<String, Long> failures = new HashMap<>();
    String lastFailure = null;
    long start = System.nanoTime();
    for (long i = 0; i < n; i++) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String key = (char) ('a' + random.nextInt(26)) + "-key-" + i + "-" + (random.nextLong() & Long.MAX_VALUE);
      String value = "value-" + i + "-" + (random.nextLong() & Long.MAX_VALUE);
      long opStart = System.nanoTime();
      try {
        clerk.put(key, value);
        latencies.recordValue(System.nanoTime() - opStart);
      } catch (RuntimeException e) {
        failures.merge(e instanceof RequestRefusedException r ? r.error() : e.getClass().getSimpleName(), 1L,
            Long::sum);
        lastFailure = e.getMessage();
      }
      if (text && (i + 1) % ERAFT_PROGRESS_EVERY == 0) {
        out.println("Finished " + (i + 1) + " requests...");
        out.flush();
      }
    }
    long elapsed = System.nanoTime() - start;
    if (text) {
      out.printf(Locale.ROOT, "Benchmark finished: %d requests in %s (%.2f req/s)%n", n, GoDuration.format(elapsed),
          n / (elapsed / 1e9));
    }
    return new BenchResult(n, failures, lastFailure, null, elapsed / 1e9, latencies);
  }

  private BenchResult closedLoop(ShardKvClient client, Long count) throws InterruptedException {
    String[] keys = keys();
    String[] values = BenchData.values(valueSize);
    BenchOp.Mix mix = BenchOp.reads(readRatio);
    if (!warmup.isZero()) {
      new ClosedLoop(() -> session(client.newClerk()), clients(), mix, keys, values, warmup, null, parent.timeout)
          .execute();
    }
    Duration length = duration != null ? duration : Duration.ofSeconds(10);
    ClosedLoop loop = new ClosedLoop(() -> session(client.newClerk()), clients(), mix, keys, values, length,
        duration != null ? null : count, parent.timeout);
    ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-progress");
      t.setDaemon(true);
      return t;
    });
    long start = System.nanoTime();
    if (System.console() != null) {
      progress.scheduleAtFixedRate(() -> {
        long done = loop.finished();
        System.err.printf(Locale.ROOT, "\r  %,d operations, %,.0f ops/s   ", done,
            done / ((System.nanoTime() - start) / 1e9));
      }, 1, 1, TimeUnit.SECONDS);
    }
    try {
      return loop.execute();
    } finally {
      progress.shutdownNow();
      if (System.console() != null) {
        System.err.print("\r" + " ".repeat(60) + "\r");
      }
    }
  }

  /** Keys whose first byte cycles through ten values, one per shard, so every shard gets an equal share. */
  private String[] keys() {
    String[] names = new String[keyspace];
    for (int i = 0; i < keyspace; i++) {
      names[i] = (char) ('0' + (i % 10)) + "-key-" + i;
    }
    return names;
  }

  private static BenchSession session(ShardKvClerk clerk) {
    return BenchSession.of(clerk::putAsync, clerk::getAsync, clerk::appendAsync);
  }


  private String summary(BenchResult r) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "Summary: %,d succeeded, %,d failed in %.1f s: %,.0f ops/s%n"
            + "Latency: p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms%n",
        r.succeeded(), r.failed(), r.seconds(), r.opsPerSecond(), r.millis(50), r.millis(90), r.millis(99),
        r.millis(99.9), r.maxMillis()));
    r.failuresByKind().forEach((kind, n) -> s.append(String.format(Locale.ROOT, "Failed: %,d %s%n", n, kind)));
    return s.toString();
  }

  private String json(BenchResult r, int clientCount) {
    Json.Builder failures = Json.object();
    r.failuresByKind().forEach(failures::field);
    return Json.object()
        .field("clients", clientCount)
        .field("succeeded", r.succeeded())
        .field("failed", r.failed())
        .encoded("seconds", String.format(Locale.ROOT, "%.3f", r.seconds()))
        .encoded("opsPerSecond", String.format(Locale.ROOT, "%.1f", r.opsPerSecond()))
        .encoded("latencyMs", String.format(Locale.ROOT,
            "{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}", r.millis(50), r.millis(90),
            r.millis(99), r.millis(99.9), r.maxMillis()))
        .encoded("failures", failures.toString()) + "\n";
  }
}
