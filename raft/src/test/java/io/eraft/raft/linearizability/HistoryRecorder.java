package io.eraft.raft.linearizability;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the operations of concurrent test clients into a history for
 * {@link LinearizabilityChecker}. A client takes {@link #now()} just before sending a request and
 * records the operation as soon as the reply arrives (or it gives up), so the recorded interval
 * contains the instant the operation really took effect.
 *
 * <pre>{@code
 * long start = recorder.now();
 * String v = clerk.get(key);
 * recorder.record(clientId, Input.get(key), new Output(v), start);
 * }</pre>
 *
 * <p>Thread-safe. Times come from {@link System#nanoTime()}, which is monotonic and shared by all
 * threads of the JVM.
 */
public final class HistoryRecorder<I, O> {
  private final List<Operation<I, O>> operations = new ArrayList<>();

  /** The current time, to pass as {@code callNanos} once the operation completes. */
  public long now() {
    return System.nanoTime();
  }

  /** Records an operation called at {@code callNanos} that returned {@code output} just now. */
  public void record(int clientId, I input, O output, long callNanos) {
    add(new Operation<>(clientId, input, output, callNanos, now()));
  }

  /**
   * Records an operation called at {@code callNanos} whose outcome the client never learned (it
   * timed out): it may or may not have taken effect.
   */
  public void recordIndeterminate(int clientId, I input, long callNanos) {
    add(Operation.indeterminate(clientId, input, callNanos));
  }

  /** A copy of everything recorded so far. */
  public synchronized List<Operation<I, O>> history() {
    return List.copyOf(operations);
  }

  private synchronized void add(Operation<I, O> operation) {
    operations.add(operation);
  }
}
