package io.eraft.raft;

import java.time.Duration;

/**
 * Histogram buckets copied from etcd so dashboards and alert thresholds carry over
 * (OBSERVABILITY.md §0.1): disk and request latency, peer round trips, snapshot transfers.
 */
public final class LatencyBuckets {
  /** etcd wal/backend: ExponentialBuckets(0.001, 2, 14) = 1 ms .. 8.192 s. */
  public static final Duration[] DISK = exponential(Duration.ofMillis(1), 14);
  /** etcd rafthttp: ExponentialBuckets(0.0001, 2, 16) = 0.1 ms .. 3.28 s. */
  public static final Duration[] PEER_ROUND_TRIP = exponential(Duration.ofNanos(100_000), 16);
  /** etcd snap: ExponentialBuckets(0.1, 2, 10) = 0.1 s .. 51.2 s. */
  public static final Duration[] SNAPSHOT = exponential(Duration.ofMillis(100), 10);

  private LatencyBuckets() {}

  private static Duration[] exponential(Duration start, int count) {
    Duration[] buckets = new Duration[count];
    for (int i = 0; i < count; i++) {
      buckets[i] = start.multipliedBy(1L << i);
    }
    return buckets;
  }
}
