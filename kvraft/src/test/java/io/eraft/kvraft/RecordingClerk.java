package io.eraft.kvraft;

import io.eraft.kvraft.client.Clerk;
import io.eraft.kvraft.sim.KvSimCluster;
import io.eraft.raft.client.ClusterUnavailableException;
import io.eraft.raft.linearizability.HistoryRecorder;
import io.eraft.raft.linearizability.KvModel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A clerk whose every call is timed and recorded in a {@link KvHistory} (eRaft's {@code Get},
 * {@code Put} and {@code Append} helpers in {@code test_test.go}). A call that gives up at its
 * deadline may or may not have taken effect: it is recorded as indeterminate and its result is
 * empty. Any other failure fails the test. Thread-safe, as {@link Clerk}.
 */
final class RecordingClerk {
  private final Clerk clerk;
  private final int clientId;
  private final HistoryRecorder<KvModel.Input, KvModel.Output> history;

  RecordingClerk(Clerk clerk, int clientId, KvHistory history) {
    this.clerk = clerk;
    this.clientId = clientId;
    this.history = history.recorder();
  }

  /** The value of {@code key} ("" if absent), or empty if the call gave up at the default deadline. */
  Optional<String> get(String key) {
    return getAsync(key, KvSimCluster.CLERK_DEADLINE).join();
  }

  /** Whether the put was acknowledged (false: it gave up, and may or may not have been applied). */
  boolean put(String key, String value) {
    return putAsync(key, value, KvSimCluster.CLERK_DEADLINE).join();
  }

  /** Whether the append was acknowledged (false: it gave up, and may or may not have been applied). */
  boolean append(String key, String value) {
    return appendAsync(key, value, KvSimCluster.CLERK_DEADLINE).join();
  }

  CompletableFuture<Optional<String>> getAsync(String key, Duration deadline) {
    long call = history.now();
    return clerk.getAsync(key, deadline).handle((value, error) ->
        finish(KvModel.Input.get(key), call, value == null ? null : new KvModel.Output(value), error)
            .map(KvModel.Output::value));
  }

  CompletableFuture<Boolean> putAsync(String key, String value, Duration deadline) {
    long call = history.now();
    return clerk.putAsync(key, value, deadline).handle((ignored, error) ->
        finish(KvModel.Input.put(key, value), call, KvModel.NONE, error).isPresent());
  }

  CompletableFuture<Boolean> appendAsync(String key, String value, Duration deadline) {
    long call = history.now();
    return clerk.appendAsync(key, value, deadline).handle((ignored, error) ->
        finish(KvModel.Input.append(key, value), call, KvModel.NONE, error).isPresent());
  }

  /** Records the call; its output, or empty if it gave up. */
  private Optional<KvModel.Output> finish(KvModel.Input input, long call, KvModel.Output output, Throwable error) {
    if (error == null) {
      history.record(clientId, input, output, call);
      return Optional.of(output);
    }
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (!(cause instanceof ClusterUnavailableException)) {
      throw new CompletionException(input + " failed", cause);
    }
    history.recordIndeterminate(clientId, input, call);
    return Optional.empty();
  }
}
