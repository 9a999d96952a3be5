package io.eraft.raft.sim.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * eRaft's {@code spawn_clients_and_wait}: test clients 0..n-1, each on its own (daemon) thread,
 * whose results the test collects; a client's failure is rethrown to the test. Closing abandons
 * clients still running (after a failure).
 *
 * @param <T> what a client reports when it ends
 */
public final class SpawnedClients<T> implements AutoCloseable {
  /** How long a client may take to end once it should (a liveness guard). */
  private static final Duration END_GUARD = Duration.ofSeconds(60);

  private final ExecutorService threads;
  private final List<Future<T>> clients = new ArrayList<>();

  private SpawnedClients(int n, IntFunction<T> body) {
    threads = Executors.newFixedThreadPool(n, task -> {
      Thread t = new Thread(task, "sim-client");
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < n; i++) {
      int client = i;
      clients.add(threads.submit(() -> body.apply(client)));
    }
  }

  public static <T> SpawnedClients<T> start(int n, IntFunction<T> body) {
    return new SpawnedClients<>(n, body);
  }

  /** Whether every client has ended. */
  public boolean allEnded() {
    return clients.stream().allMatch(Future::isDone);
  }

  /** Waits for every client to end; their results in client order. */
  public List<T> awaitAll() throws InterruptedException, TimeoutException {
    List<T> results = new ArrayList<>();
    for (Future<T> client : clients) {
      try {
        results.add(client.get(END_GUARD.toSeconds(), TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException("a client failed", e.getCause());
      }
    }
    return results;
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
