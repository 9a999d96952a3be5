package io.eraft.cli.kv;

import io.eraft.cli.CommandFailure;
import io.eraft.cli.DurationConverter;
import io.eraft.cli.OutputFormat;
import io.eraft.cli.ExitCode;
import io.eraft.kvraft.client.Clerk;
import io.eraft.kvraft.client.KvClient;
import io.eraft.raft.client.RequestRefusedException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kvclient bench}: a closed-loop load generator. Each of {@code --clients} Clerks keeps one
 * operation outstanding and issues the next from the previous one's completion callback, so a
 * thousand clients cost no thousand threads: the work runs on gRPC's callback threads. Latency is
 * recorded per operation (issue to completion) in an HdrHistogram {@link Recorder}. A warm-up
 * runs first and is not counted; with several client counts, each is measured in turn by this
 * one JVM, so later ones do not pay for a cold JIT again.
 */
@Command(name = "bench", sortOptions = false, usageHelpAutoWidth = true,
    description = "Drives the cluster with N concurrent clients (closed loop) and reports ops/s and latency"
        + " percentiles.",
    footer = {"", "Exit status: 0 if every measured operation succeeded; 1 if any failed (after the report) or the"
        + " cluster refused one (ErrValueTooLarge: no report); 2 for a usage error."})
final class KvBench implements Callable<Integer> {
  /** What each operation does; {@code mixed} is half gets, half puts. */
  enum Workload { PUT, GET, APPEND, MIXED }

  private static final int VALUE_POOL = 64;

  @ParentCommand KvClientCommand parent;
  @Spec CommandSpec spec;

  @Option(names = "--clients", defaultValue = "64", split = ",", paramLabel = "<n>[,<n>...]",
      description = "Concurrent clients (Clerks), each with one operation outstanding; a list (1,64) measures each"
          + " in turn in this one warmed-up JVM (default: ${DEFAULT-VALUE}).")
  List<Integer> clients;

  @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "<duration>",
      description = "How long to measure (default: ${DEFAULT-VALUE}); ignored with --ops.")
  Duration duration;

  @Option(names = "--ops", paramLabel = "<n>", description = "Measure until this many operations completed"
      + " instead of for --duration.")
  Long ops;

  @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "<duration>",
      description = "Unmeasured load (with the largest client count) before the first measurement, so the servers'"
          + " and this JVM's JIT compilers have done their work (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--op", defaultValue = "put", paramLabel = "<op>",
      description = "put, get, append or mixed (half gets, half puts) (default: ${DEFAULT-VALUE}).")
  Workload workload;

  @Option(names = "--key-bytes", defaultValue = "16", paramLabel = "<n>",
      description = "Key length (default: ${DEFAULT-VALUE}).")
  int keyBytes;

  @Option(names = "--value-bytes", defaultValue = "128", paramLabel = "<n>",
      description = "Value length of put and append (default: ${DEFAULT-VALUE}).")
  int valueBytes;

  @Option(names = "--keys", defaultValue = "10000", paramLabel = "<n>",
      description = "Distinct keys, chosen uniformly at random (default: ${DEFAULT-VALUE}).")
  int keys;

  @Override
  public Integer call() throws InterruptedException {
    validate();
    String[] keyNames = keyNames();
    String[] values = values();
    long failed = 0;
    String lastFailure = null;
    try (KvClient client = parent.connect()) {
      if (!warmup.isZero()) {
        checkRefusal(new Run(client, Collections.max(clients), keyNames, values, warmup, null).execute());
      }
      for (int n : clients) {
        long cpuBefore = processCpuNanos();
        Result result = checkRefusal(new Run(client, n, keyNames, values, duration, ops).execute());
        long cpuNanos = processCpuNanos() - cpuBefore;
        spec.commandLine().getOut().print(parent.output == OutputFormat.JSON ? json(n, result, cpuNanos)
            : text(n, result, cpuNanos));
        spec.commandLine().getOut().flush();
        failed += result.failed();
        lastFailure = result.failed() > 0 ? result.lastFailure() : lastFailure;
      }
    }
    if (failed > 0) {
      throw new CommandFailure(failed + " operations failed; the last: " + lastFailure);
    }
    return ExitCode.OK;
  }

  /** A refusal (e.g. ErrValueTooLarge) would repeat for every operation: stop instead of measuring refusals. */
  private static Result checkRefusal(Result result) {
    if (result.refused() != null) {
      throw new CommandFailure("the cluster refused an operation, so the benchmark stopped: "
          + result.refused().getMessage());
    }
    return result;
  }

  private void validate() {
    int digits = Integer.toString(keys - 1).length();
    require(clients.stream().allMatch(n -> n >= 1), "--clients must be at least 1");
    require(ops == null || ops >= 1, "--ops must be at least 1");
    require(!duration.isNegative() && !duration.isZero(), "--duration must be positive");
    require(!warmup.isNegative(), "--warmup must not be negative");
    require(keys >= 1, "--keys must be at least 1");
    require(valueBytes >= 0, "--value-bytes must not be negative");
    require(keyBytes > digits, "--key-bytes " + keyBytes + " is too short to name " + keys + " keys; use at least "
        + (digits + 1));
  }

  private void require(boolean valid, String problem) {
    if (!valid) {
      throw new ParameterException(spec.commandLine(), problem);
    }
  }

  /** Fixed-length keys: "k" and the key's number, zero-padded to --key-bytes. */
  private String[] keyNames() {
    String[] names = new String[keys];
    for (int i = 0; i < keys; i++) {
      String n = Integer.toString(i);
      names[i] = "k" + "0".repeat(keyBytes - 1 - n.length()) + n;
    }
    return names;
  }

  /** A pool of random printable values, so the generator does not spend its time making them. */
  private String[] values() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String[] pool = new String[VALUE_POOL];
    for (int i = 0; i < pool.length; i++) {
      StringBuilder v = new StringBuilder(valueBytes);
      for (int j = 0; j < valueBytes; j++) {
        v.append((char) ('a' + random.nextInt(26)));
      }
      pool[i] = v.toString();
    }
    return pool;
  }

  /**
   * @param finished operations that finished while measuring, failed ones included
   */
  private record Result(long finished, long failed, String lastFailure, RequestRefusedException refused, double seconds,
      Histogram latencies) {
    long succeeded() {
      return finished - failed;
    }

    double opsPerSecond() {
      return succeeded() / seconds;
    }

    double millis(double percentile) {
      return latencies.getTotalCount() == 0 ? 0 : latencies.getValueAtPercentile(percentile) / 1e6;
    }

    double maxMillis() {
      return latencies.getTotalCount() == 0 ? 0 : latencies.getMaxValue() / 1e6;
    }

    double meanMillis() {
      return latencies.getTotalCount() == 0 ? 0 : latencies.getMean() / 1e6;
    }
  }

  /**
   * One measurement: {@code clients} new Clerks, each looping issue → completion callback → issue
   * until {@link #stopping}; {@link #idle} counts the clients that have stopped.
   */
  private final class Run {
    private final KvClient client;
    private final int clients;
    private final String[] keyNames;
    private final String[] values;
    private final Duration length;
    private final Long ops;
    private final Duration deadline;
    private final Recorder latencies = new Recorder(3);
    private final LongAdder failed = new LongAdder();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private final AtomicReference<RequestRefusedException> refused = new AtomicReference<>();
    private final CountDownLatch idle;
    private final CountDownLatch opsReached = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile long endNanos;

    /** Runs for {@code length}, or until {@code ops} operations finished if that is not null. */
    Run(KvClient client, int clients, String[] keyNames, String[] values, Duration length, Long ops) {
      this.client = client;
      this.clients = clients;
      this.keyNames = keyNames;
      this.values = values;
      this.length = length;
      this.ops = ops;
      this.deadline = parent.timeout;
      this.idle = new CountDownLatch(clients);
    }

    Result execute() throws InterruptedException {
      long startNanos = System.nanoTime();
      for (int i = 0; i < clients; i++) {
        issue(client.newClerk());
      }
      if (ops != null) {
        opsReached.await();
      } else {
        idle.await(length.toNanos(), TimeUnit.NANOSECONDS);
        endNanos = System.nanoTime();
        stopping = true;
      }
      Histogram histogram = latencies.getIntervalHistogram();
      long done = finished.get();
      long failures = failed.sum();
      double seconds = (endNanos - startNanos) / 1e9;
      // Let the operations still outstanding finish before the next run or the channels' close.
      idle.await(deadline.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
      return new Result(done, failures, lastFailure.get(), refused.get(), seconds, histogram);
    }

    private void issue(Clerk clerk) {
      if (stopping) {
        idle.countDown();
        return;
      }
      String key = keyNames[ThreadLocalRandom.current().nextInt(keyNames.length)];
      long start = System.nanoTime();
      CompletableFuture<?> op = switch (workload) {
        case PUT -> clerk.putAsync(key, value(), deadline);
        case GET -> clerk.getAsync(key, deadline);
        case APPEND -> clerk.appendAsync(key, value(), deadline);
        case MIXED -> ThreadLocalRandom.current().nextBoolean()
            ? clerk.getAsync(key, deadline) : clerk.putAsync(key, value(), deadline);
      };
      BiConsumer<Object, Throwable> next = (ignored, error) -> {
        if (error == null) {
          latencies.recordValue(System.nanoTime() - start);
        } else {
          fail(error);
        }
        if (finished.incrementAndGet() == (ops == null ? -1 : ops)) {
          finish();
        }
        issue(clerk);
      };
      // An operation that already finished would run the callback, and so the next issue, on
      // this stack; hop instead so a run of instant failures cannot grow the stack.
      if (op.isDone()) {
        op.whenCompleteAsync(next);
      } else {
        op.whenComplete(next);
      }
    }

    private void finish() {
      endNanos = System.nanoTime();
      stopping = true;
      opsReached.countDown();
    }

    private void fail(Throwable error) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof RequestRefusedException refusal && refused.compareAndSet(null, refusal)) {
        finish();
      }
      failed.increment();
      lastFailure.set(String.valueOf(cause.getMessage()));
    }

    private String value() {
      return values[ThreadLocalRandom.current().nextInt(values.length)];
    }
  }

  private String text(int clients, Result r, long cpuNanos) {
    return String.format(Locale.ROOT, "kvclient bench: %s, %d clients, %d-byte keys (%d distinct), %d-byte values,"
            + " %.1f s measured%n"
            + "  operations  %,d completed, %,d failed%n"
            + "  throughput  %,.0f ops/s%n"
            + "  latency     p50 %.3f ms   p99 %.3f ms   p99.9 %.3f ms   max %.3f ms   (mean %.3f ms)%n"
            + "  client CPU  %.1f s (%.0f%% of one core)%n",
        workload.name().toLowerCase(Locale.ROOT), clients, keyBytes, keys, valueBytes, r.seconds(), r.succeeded(),
        r.failed(), r.opsPerSecond(), r.millis(50), r.millis(99), r.millis(99.9), r.maxMillis(), r.meanMillis(),
        cpuNanos / 1e9, 100.0 * cpuNanos / 1e9 / r.seconds());
  }

  private String json(int clients, Result r, long cpuNanos) {
    return String.format(Locale.ROOT, "{\"op\":\"%s\",\"clients\":%d,\"keyBytes\":%d,\"keys\":%d,\"valueBytes\":%d,"
            + "\"seconds\":%.3f,\"completed\":%d,\"failed\":%d,\"opsPerSecond\":%.1f,"
            + "\"latencyMs\":{\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f,\"mean\":%.3f},"
            + "\"clientCpuSeconds\":%.3f}%n",
        workload.name().toLowerCase(Locale.ROOT), clients, keyBytes, keys, valueBytes, r.seconds(),
        r.succeeded(), r.failed(), r.opsPerSecond(), r.millis(50),
        r.millis(99), r.millis(99.9), r.maxMillis(), r.meanMillis(), cpuNanos / 1e9);
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
  }
}
