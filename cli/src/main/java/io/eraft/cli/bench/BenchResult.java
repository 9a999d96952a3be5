package io.eraft.cli.bench;

import io.eraft.raft.client.RequestRefusedException;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one measured run did. Immutable once made.
 *
 * @param finished operations that finished while measuring, failed ones included
 * @param failuresByKind failed operations by kind (the error's type, or the wire error a server gave)
 * @param lastFailure the last failure's message, or null
 * @param refused a refusal every operation would meet (e.g. ErrValueTooLarge) that stopped the run, or null
 * @param latencies of the successful operations, in nanoseconds
 */
public record BenchResult(long finished, Map<String, Long> failuresByKind, String lastFailure,
    RequestRefusedException refused, double seconds, Histogram latencies) {
  public BenchResult {
    failuresByKind = Map.copyOf(failuresByKind);
  }

  public long failed() {
    return failuresByKind.values().stream().mapToLong(Long::longValue).sum();
  }

  public long succeeded() {
    return finished - failed();
  }

  public double opsPerSecond() {
    return succeeded() / seconds;
  }

  public double millis(double percentile) {
    return latencies.getTotalCount() == 0 ? 0 : latencies.getValueAtPercentile(percentile) / 1e6;
  }

  public double maxMillis() {
    return latencies.getTotalCount() == 0 ? 0 : latencies.getMaxValue() / 1e6;
  }

  public double meanMillis() {
    return latencies.getTotalCount() == 0 ? 0 : latencies.getMean() / 1e6;
  }
}
