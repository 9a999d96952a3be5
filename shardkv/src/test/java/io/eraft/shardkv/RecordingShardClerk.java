package io.eraft.shardkv;

import io.eraft.raft.client.ClusterUnavailableException;
import io.eraft.raft.linearizability.HistoryRecorder;
import io.eraft.raft.linearizability.KvModel;
import io.eraft.shardkv.client.ShardKvClerk;
import io.eraft.shardkv.sim.ShardKvSimSystem;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A ShardKV clerk whose every call is timed and recorded for the linearizability check (eRaft's
 * test helpers, with porcupine's bookkeeping). A call that gives up at its deadline may or may not
 * have taken effect: it is recorded as indeterminate, then its failure is thrown. Thread-safe, as
 * {@link ShardKvClerk}.
 */
final class RecordingShardClerk {
  private final ShardKvClerk clerk;
  private final int clientId;
  private final HistoryRecorder<KvModel.Input, KvModel.Output> history;

  RecordingShardClerk(ShardKvClerk clerk, int clientId, HistoryRecorder<KvModel.Input, KvModel.Output> history) {
    this.clerk = clerk;
    this.clientId = clientId;
    this.history = history;
  }

  /** The value of {@code key}, "" if absent (eRaft's Get). */
  String get(String key) {
    return getAsync(key, ShardKvSimSystem.CLERK_DEADLINE).join();
  }

  void put(String key, String value) {
    update(KvModel.Input.put(key, value), clerk.putAsync(key, value, ShardKvSimSystem.CLERK_DEADLINE));
  }

  void append(String key, String value) {
    update(KvModel.Input.append(key, value), clerk.appendAsync(key, value, ShardKvSimSystem.CLERK_DEADLINE));
  }

  /** A Get recorded when it completes; one that never completes (the test ends first) is not recorded: it changed nothing. */
  CompletableFuture<String> getAsync(String key, Duration deadline) {
    long call = history.now();
    return clerk.getAsync(key, deadline).handle((value, error) -> {
      finish(KvModel.Input.get(key), call, value == null ? null : new KvModel.Output(value), error);
      return value;
    });
  }

  private void update(KvModel.Input input, CompletableFuture<Void> sent) {
    long call = history.now();
    sent.handle((ignored, error) -> {
      finish(input, call, KvModel.NONE, error);
      return null;
    }).join();
  }

  private void finish(KvModel.Input input, long call, KvModel.Output output, Throwable error) {
    if (error == null) {
      history.record(clientId, input, output, call);
      return;
    }
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof ClusterUnavailableException) {
      history.recordIndeterminate(clientId, input, call);
    }
    throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
  }
}
