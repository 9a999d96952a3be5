package io.eraft.cli.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One client session a benchmark drives (a kvraft or ShardKV clerk): one operation outstanding at
 * a time. Implementations never block; futures complete on a network thread.
 */
public interface BenchSession {
  CompletableFuture<?> put(String key, String value, Duration deadline);

  CompletableFuture<?> get(String key, Duration deadline);

  CompletableFuture<?> append(String key, String value, Duration deadline);
}
