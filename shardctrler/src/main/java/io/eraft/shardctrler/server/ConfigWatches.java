package io.eraft.shardctrler.server;

import io.eraft.shardctrler.config.ShardConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongFunction;

/**
 * Queries waiting for a configuration number to exist (watches): each completes with that
 * configuration once the state machine publishes it, or is abandoned by its caller (completed
 * otherwise, e.g. on a timeout) and then forgotten. Thread-safe; {@link #published} runs on the
 * apply thread and completes the watches there.
 */
final class ConfigWatches {
  private record Watch(long num, CompletableFuture<ShardConfig> found) {}

  private final ConcurrentLinkedQueue<Watch> watches = new ConcurrentLinkedQueue<>();

  /**
   * A future of configuration {@code num}, completed when {@code latest} reaches it.
   *
   * @param latest the newest configuration now
   * @param lookup reads configuration {@code num} once it exists
   */
  CompletableFuture<ShardConfig> watch(long num, ShardConfig latest, LongFunction<ShardConfig> lookup) {
    watches.removeIf(w -> w.found().isDone());
    CompletableFuture<ShardConfig> found = new CompletableFuture<>();
    watches.add(new Watch(num, found));
    if (latest.num() >= num) { // published before the watch was in the queue
      found.complete(lookup.apply(num));
    }
    return found;
  }

  /** {@code latest} is the newest configuration: completes the watches it satisfies. */
  void published(ShardConfig latest, LongFunction<ShardConfig> lookup) {
    watches.removeIf(w -> {
      if (w.num() <= latest.num()) {
        w.found().complete(lookup.apply(w.num()));
        return true;
      }
      return w.found().isDone();
    });
  }
}
