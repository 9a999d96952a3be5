package io.eraft.kvraft.server;

import java.time.Duration;

/**
 * Limits of a {@link KvServer}.
 *
 * @param maxValueBytes largest value (UTF-8 bytes) a Put or Append may carry; larger ones are
 *     refused with {@code ErrValueTooLarge} before they reach the log ({@code --max-value-bytes})
 * @param maxKeyBytes largest key (UTF-8 bytes) a request may name ({@code --max-key-bytes})
 * @param executeTimeout how long a request waits for its outcome before answering
 *     {@code ErrTimeout} (eRaft: 500 ms); the client then retries with the same ids
 */
public record KvServerOptions(int maxValueBytes, int maxKeyBytes, Duration executeTimeout) {
  public static final KvServerOptions DEFAULTS = new KvServerOptions(1 << 20, 64 << 10, Duration.ofMillis(500));

  public KvServerOptions {
    if (maxValueBytes < 0) {
      throw new IllegalArgumentException("--max-value-bytes must not be negative, got " + maxValueBytes);
    }
    if (maxKeyBytes < 0) {
      throw new IllegalArgumentException("--max-key-bytes must not be negative, got " + maxKeyBytes);
    }
    if (executeTimeout.isNegative() || executeTimeout.isZero()) {
      throw new IllegalArgumentException("execute timeout must be positive, got " + executeTimeout);
    }
  }

  public KvServerOptions withMaxValueBytes(int bytes) {
    return new KvServerOptions(bytes, maxKeyBytes, executeTimeout);
  }

  public KvServerOptions withMaxKeyBytes(int bytes) {
    return new KvServerOptions(maxValueBytes, bytes, executeTimeout);
  }

  public KvServerOptions withExecuteTimeout(Duration timeout) {
    return new KvServerOptions(maxValueBytes, maxKeyBytes, timeout);
  }
}
