package io.eraft.raft.node;

import io.eraft.raft.Millis;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Warns about operations slower than a threshold (etcd's "slow fdatasync", "apply request took too
 * long") without flooding: at most one WARN per interval, carrying how many slow ones came since the
 * last. Confined to the one thread that does the operations.
 */
final class SlowOperations {
  private static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

  private final Logger log;
  private final String message;
  private final Duration threshold;
  private long slowSinceWarning;
  private long lastWarningNanos;
  private boolean warned;

  SlowOperations(Logger log, String message, Duration threshold) {
    this.log = log;
    this.message = message;
    this.threshold = threshold;
  }

  /** One operation took {@code nanos}; {@code details} adds its figures to a warning. */
  void took(long nanos, UnaryOperator<LoggingEventBuilder> details) {
    if (nanos < threshold.toNanos()) {
      return;
    }
    slowSinceWarning++;
    long now = System.nanoTime();
    if (warned && now - lastWarningNanos < WARN_INTERVAL.toNanos()) {
      return;
    }
    details.apply(log.atWarn().addKeyValue("tookMs", Millis.of(nanos))
        .addKeyValue("thresholdMs", threshold.toMillis()))
        .addKeyValue("slowSinceLastWarning", slowSinceWarning).log(message);
    slowSinceWarning = 0;
    lastWarningNanos = now;
    warned = true;
  }
}
