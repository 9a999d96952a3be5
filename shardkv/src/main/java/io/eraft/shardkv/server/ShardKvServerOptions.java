package io.eraft.shardkv.server;

import java.time.Duration;

/**
 * Limits and pacing of a ShardKV replica.
 *
 * @param maxValueBytes largest value (UTF-8 bytes) a Put or Append may carry ({@code --max-value-bytes})
 * @param maxKeyBytes largest key (UTF-8 bytes) a request may name ({@code --max-key-bytes})
 * @param executeTimeout how long a request waits for its outcome before {@code ErrTimeout} (eRaft: 500 ms)
 * @param pageBytes about how many bytes of keys and values one page of a shard pull carries
 * @param configPollInterval how often the leader asks the controllers for the next configuration (eRaft: 100 ms)
 * @param migrationInterval how often the leader pulls and collects shards while any are moving (eRaft: 50 ms)
 */
public record ShardKvServerOptions(int maxValueBytes, int maxKeyBytes, Duration executeTimeout, int pageBytes,
    Duration configPollInterval, Duration migrationInterval) {
  public static final ShardKvServerOptions DEFAULTS = new ShardKvServerOptions(1 << 20, 64 << 10,
      Duration.ofMillis(500), 1 << 20, Duration.ofMillis(100), Duration.ofMillis(50));

  public ShardKvServerOptions {
    if (maxValueBytes < 0 || maxKeyBytes < 0) {
      throw new IllegalArgumentException("key and value limits must not be negative, got " + maxKeyBytes + " and "
          + maxValueBytes);
    }
    if (pageBytes <= 0) {
      throw new IllegalArgumentException("the page size must be positive, got " + pageBytes);
    }
    for (Duration d : new Duration[] {executeTimeout, configPollInterval, migrationInterval}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeouts and intervals must be positive, got " + d);
      }
    }
  }

  public ShardKvServerOptions withPageBytes(int bytes) {
    return new ShardKvServerOptions(maxValueBytes, maxKeyBytes, executeTimeout, bytes, configPollInterval,
        migrationInterval);
  }

  public ShardKvServerOptions withMaxValueBytes(int bytes) {
    return new ShardKvServerOptions(bytes, maxKeyBytes, executeTimeout, pageBytes, configPollInterval,
        migrationInterval);
  }

  public ShardKvServerOptions withMaxKeyBytes(int bytes) {
    return new ShardKvServerOptions(maxValueBytes, bytes, executeTimeout, pageBytes, configPollInterval,
        migrationInterval);
  }

  public ShardKvServerOptions withExecuteTimeout(Duration timeout) {
    return new ShardKvServerOptions(maxValueBytes, maxKeyBytes, timeout, pageBytes, configPollInterval,
        migrationInterval);
  }
}
