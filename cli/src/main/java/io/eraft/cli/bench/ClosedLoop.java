package io.eraft.cli.bench;

import io.eraft.raft.client.RequestRefusedException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One closed-loop measurement: {@code clients} sessions, each keeping one operation outstanding
 * and issuing the next from the previous one's completion callback, so a thousand clients cost no
 * thousand threads. Latency is recorded per operation (issue to completion) in an HdrHistogram
 * {@link Recorder}. Runs for a duration, or until a number of operations finished. Keys are drawn
 * uniformly from a given pool, values from another. Thread-safe; {@link #execute} once.
 */
public final class ClosedLoop {
  private final Supplier<BenchSession> sessions;
  private final int clients;
  private final BenchOp.Mix mix;
  private final String[] keys;
  private final String[] values;
  private final Duration length;
  private final Long ops;
  private final Duration deadline;
  private final Recorder latencies = new Recorder(3);
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final AtomicLong finished = new AtomicLong();
  private final AtomicReference<String> lastFailure = new AtomicReference<>();
  private final AtomicReference<RequestRefusedException> refused = new AtomicReference<>();
  private final CountDownLatch idle;
  private final CountDownLatch opsReached = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile long endNanos;

  /**
   * @param length how long to run, unless {@code ops} is not null: then until that many finished
   * @param deadline each operation's deadline, retries included
   */
  public ClosedLoop(Supplier<BenchSession> sessions, int clients, BenchOp.Mix mix, String[] keys, String[] values,
      Duration length, Long ops, Duration deadline) {
    this.sessions = sessions;
    this.clients = clients;
    this.mix = mix;
    this.keys = keys;
    this.values = values;
    this.length = length;
    this.ops = ops;
    this.deadline = deadline;
    this.idle = new CountDownLatch(clients);
  }

  /** Operations finished so far (failed ones included): for a progress line. */
  public long finished() {
    return finished.get();
  }

  public BenchResult execute() throws InterruptedException {
    long startNanos = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      issue(sessions.get());
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
    Map<String, Long> failed = new java.util.TreeMap<>();
    failures.forEach((kind, count) -> failed.put(kind, count.sum()));
    double seconds = (endNanos - startNanos) / 1e9;
    // Let the operations still outstanding finish before the next run or the channels' close.
    idle.await(deadline.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
    return new BenchResult(done, failed, lastFailure.get(), refused.get(), seconds, histogram);
  }

  private void issue(BenchSession session) {
    if (stopping) {
      idle.countDown();
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String key = keys[random.nextInt(keys.length)];
    long start = System.nanoTime();
    CompletableFuture<?> op = switch (mix.next(random)) {
      case PUT -> session.put(key, value(random), deadline);
      case GET -> session.get(key, deadline);
      case APPEND -> session.append(key, value(random), deadline);
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
      issue(session);
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
    String kind = cause instanceof RequestRefusedException refusal ? refusal.error() : cause.getClass().getSimpleName();
    failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
    lastFailure.set(String.valueOf(cause.getMessage()));
  }

  private String value(ThreadLocalRandom random) {
    return values[random.nextInt(values.length)];
  }
}
