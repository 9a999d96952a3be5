package io.eraft.raft.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Sends requests to whichever server of a replicated group currently leads (eRaft's Clerk loop,
 * with a deadline): starts at the server that answered last, and on a transport error, a timeout
 * or a reply that says "not me" moves to the next server and tries again with the same request,
 * pausing briefly between servers and longer (doubling, randomized) after a round in which every
 * server failed. The request is retried unchanged, so the service must deduplicate it. Errors that
 * every server would repeat (a request too large for the channel, malformed, or for a service the
 * server lacks) fail the call at once.
 *
 * <p>Never blocks: everything runs on the shared scheduler and the endpoints' callback threads.
 * Thread-safe; the leader hint is shared by all calls.
 *
 * @param <E> how one server is reached (a gRPC stub, or a simulated link in tests)
 */
public final class LeaderCaller<E> {
  /** One attempt against one server; may complete on any thread. */
  @FunctionalInterface
  public interface Attempt<E, T> {
    CompletableFuture<T> send(E endpoint, Duration timeout);
  }

  /** gRPC codes every server would answer alike (see {@link #isFinal}). */
  private static final Set<Status.Code> FINAL_CODES = EnumSet.of(Status.Code.RESOURCE_EXHAUSTED,
      Status.Code.INVALID_ARGUMENT, Status.Code.UNIMPLEMENTED, Status.Code.PERMISSION_DENIED,
      Status.Code.UNAUTHENTICATED);

  private static final ScheduledExecutorService SHARED_SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "eraft-client-retry");
    t.setDaemon(true);
    return t;
  });

  private final List<E> endpoints;
  private final List<String> addresses;
  private final RetryPolicy policy;
  private final ScheduledExecutorService scheduler;
  /** Where new calls start: the server that answered last. */
  private final AtomicInteger leader = new AtomicInteger();

  /**
   * @param endpoints one per server, in the group's order
   * @param addresses what to call each server in errors, same order
   */
  public LeaderCaller(List<E> endpoints, List<String> addresses, RetryPolicy policy) {
    this(endpoints, addresses, policy, SHARED_SCHEDULER);
  }

  LeaderCaller(List<E> endpoints, List<String> addresses, RetryPolicy policy, ScheduledExecutorService scheduler) {
    if (endpoints.isEmpty() || endpoints.size() != addresses.size()) {
      throw new IllegalArgumentException("need one address per endpoint and at least one endpoint");
    }
    this.endpoints = List.copyOf(endpoints);
    this.addresses = List.copyOf(addresses);
    this.policy = policy;
    this.scheduler = scheduler;
  }

  /**
   * Tries servers until one gives a reply for which {@code retryReason} returns null, or the
   * deadline passes: then fails with {@link ClusterUnavailableException}.
   *
   * @param retryReason why a reply does not count (e.g. "ErrWrongLeader"), or null if it does
   */
  public <T> CompletableFuture<T> call(Attempt<E, T> attempt, Function<T, String> retryReason, Duration deadline) {
    return call(attempt, retryReason, System.nanoTime() + deadline.toNanos(), deadline);
  }

  /**
   * As {@link #call(Attempt, Function, Duration)}, with a deadline fixed earlier (e.g. when the
   * request was queued): {@code deadlineNanos} on {@link System#nanoTime}'s clock, and the
   * {@code budget} it was computed from, for the error message.
   */
  public <T> CompletableFuture<T> call(Attempt<E, T> attempt, Function<T, String> retryReason, long deadlineNanos,
      Duration budget) {
    Call<T> call = new Call<>(attempt, retryReason, deadlineNanos, budget);
    call.next(leader.get());
    return call.result;
  }

  /** The index of the server believed to lead. */
  public int leaderHint() {
    return leader.get();
  }

  public List<E> endpoints() {
    return endpoints;
  }

  public List<String> addresses() {
    return addresses;
  }

  private final class Call<T> {
    final CompletableFuture<T> result = new CompletableFuture<>();
    final Attempt<E, T> attempt;
    final Function<T, String> retryReason;
    final long deadlineNanos;
    final Duration deadline;
    final String[] lastAnswers = new String[endpoints.size()];
    int failuresInRound;
    int failedRounds;

    Call(Attempt<E, T> attempt, Function<T, String> retryReason, long deadlineNanos, Duration deadline) {
      this.attempt = attempt;
      this.retryReason = retryReason;
      this.deadlineNanos = deadlineNanos;
      this.deadline = deadline;
    }

    void next(int server) {
      long remaining = deadlineNanos - System.nanoTime();
      if (remaining <= 0) {
        result.completeExceptionally(new ClusterUnavailableException(describeFailure()));
        return;
      }
      Duration timeout = Duration.ofNanos(Math.min(remaining, policy.attemptTimeout().toNanos()));
      CompletableFuture<T> sent;
      try {
        sent = attempt.send(endpoints.get(server), timeout);
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      sent.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((reply, error) -> {
        try {
          settle(server, reply, error);
        } catch (RuntimeException e) {
          result.completeExceptionally(e); // never leave the caller (and a Clerk's queue) waiting
        }
      });
    }

    private void settle(int server, T reply, Throwable error) {
      if (error != null && isFinal(error)) {
        result.completeExceptionally(unwrap(error));
        return;
      }
      String reason = error != null ? describe(error) : retryReason.apply(reply);
      if (reason == null) {
        leader.set(server);
        result.complete(reply);
      } else {
        lastAnswers[server] = reason;
        retryAfterPause(server);
      }
    }

    private void retryAfterPause(int failed) {
      int nextServer = (failed + 1) % endpoints.size();
      // Other calls may have found the leader meanwhile; only move the hint off a server that failed.
      leader.compareAndSet(failed, nextServer);
      long pauseNanos = policy.retryPause().toNanos();
      if (++failuresInRound >= endpoints.size()) {
        failuresInRound = 0;
        failedRounds++;
        long ceiling = Math.min(policy.maxRoundPause().toNanos(), pauseNanos << Math.min(failedRounds, 20));
        pauseNanos = ThreadLocalRandom.current().nextLong(pauseNanos, Math.max(pauseNanos, ceiling) + 1);
      }
      long remaining = deadlineNanos - System.nanoTime();
      scheduler.schedule(() -> next(nextServer), Math.max(0, Math.min(pauseNanos, remaining)), TimeUnit.NANOSECONDS);
    }

    private String describeFailure() {
      List<String> tried = new ArrayList<>();
      for (int i = 0; i < endpoints.size(); i++) {
        tried.add(addresses.get(i) + " (" + (lastAnswers[i] == null ? "not reached" : lastAnswers[i]) + ")");
      }
      return "no server gave a usable answer within " + format(deadline) + "; tried " + String.join(", ", tried);
    }
  }

  /**
   * Errors no other server would answer differently: the request itself is refused (too large for
   * the channel, malformed, a service the server does not have). Retrying them only hides them.
   */
  private static boolean isFinal(Throwable error) {
    return unwrap(error) instanceof StatusRuntimeException status && FINAL_CODES.contains(status.getStatus().getCode());
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  private static String describe(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof TimeoutException) {
      return "timed out";
    }
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    Throwable root = cause;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    // gRPC says "UNAVAILABLE: io exception"; the root cause says "Connection refused".
    return root == cause || root.getMessage() == null ? message : message + " (" + root.getMessage() + ")";
  }

  private static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
