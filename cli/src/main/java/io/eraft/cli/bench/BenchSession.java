package io.eraft.cli.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One client session a benchmark drives (a kvraft or ShardKV clerk): one operation outstanding at
 * a time. Implementations never block; futures complete on a network thread.
 */
public interface BenchSession {
  /** A session of one key-value operation each, e.g. {@code of(clerk::putAsync, clerk::getAsync, clerk::appendAsync)}. */
  static BenchSession of(Write put, Read get, Write append) {
    return new BenchSession() {
      @Override
      public CompletableFuture<?> put(String key, String value, Duration deadline) {
        return put.send(key, value, deadline);
      }

      @Override
      public CompletableFuture<?> get(String key, Duration deadline) {
        return get.send(key, deadline);
      }

      @Override
      public CompletableFuture<?> append(String key, String value, Duration deadline) {
        return append.send(key, value, deadline);
      }
    };
  }

  /** An asynchronous Put or Append. */
  @FunctionalInterface
  interface Write {
    CompletableFuture<?> send(String key, String value, Duration deadline);
  }

  /** An asynchronous Get. */
  @FunctionalInterface
  interface Read {
    CompletableFuture<?> send(String key, Duration deadline);
  }

  CompletableFuture<?> put(String key, String value, Duration deadline);

  CompletableFuture<?> get(String key, Duration deadline);

  CompletableFuture<?> append(String key, String value, Duration deadline);
}
