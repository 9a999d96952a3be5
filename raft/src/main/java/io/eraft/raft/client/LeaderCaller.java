package io.eraft.raft.client;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Sends requests to whichever server of a replicated group currently leads (eRaft's Clerk loop,
 * with a deadline): starts at the server that answered last, and on a transport error, a timeout
 * or a reply that says "not me" moves on and tries again with the same request — to the leader
 * the reply named, if any, else to the next server — pausing briefly between servers and longer
 * (doubling, randomized) after a round in which every server failed. A named leader missing from
 * the configured servers is added for the rest of this caller's life, so a client given a single
 * server of the group still reaches its leader. The request is retried unchanged, so the service
 * must deduplicate it. Errors that every server would repeat (a request too large for the channel,
 * malformed, or for a service the server lacks) fail the call at once.
 *
 * <p>Never blocks: everything runs on the shared scheduler and the endpoints' callback threads.
 * Thread-safe; the leader hint and the list of servers are shared by all calls.
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

  /**
   * Named leaders come from the group's own address lists, so a handful of additions is all a
   * healthy group ever causes; the bound only stops a misbehaving server from making the client
   * open connections without end.
   */
  private static final int MAX_ADDED_SERVERS = 16;

  private static final ScheduledExecutorService SHARED_SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "eraft-client-retry");
    t.setDaemon(true);
    return t;
  });

  /** The servers in the order configured, then those added; only ever appended to, so positions stay valid. */
  private record Servers<E>(List<E> endpoints, List<String> addresses) {
    int indexOf(String address) {
      return addresses.indexOf(address);
    }

    Servers<E> plus(E endpoint, String address) {
      List<E> moreEndpoints = new ArrayList<>(endpoints);
      moreEndpoints.add(endpoint);
      List<String> moreAddresses = new ArrayList<>(addresses);
      moreAddresses.add(address);
      return new Servers<>(List.copyOf(moreEndpoints), List.copyOf(moreAddresses));
    }
  }

  private final Function<String, ? extends E> connect;
  private final int maxServers;
  private final RetryPolicy policy;
  private final ScheduledExecutorService scheduler;
  private volatile Servers<E> servers; // replaced only under this
  /** Where new calls start: the server that answered last. */
  private final AtomicInteger leader = new AtomicInteger();

  /**
   * A caller that only ever calls the given servers: a named leader that is not among them is
   * ignored (the next server is tried instead).
   *
   * @param endpoints one per server, in the group's order
   * @param addresses what to call each server in errors, same order
   */
  public LeaderCaller(List<E> endpoints, List<String> addresses, RetryPolicy policy) {
    this(endpoints, addresses, null, policy, SHARED_SCHEDULER);
  }

  /**
   * A caller that adds a named leader missing from {@code addresses} as a new server.
   *
   * @param connect makes the endpoint of a new server from its address; called at most once per
   *     address, on the thread that read the reply naming it, and must not block
   */
  public LeaderCaller(List<E> endpoints, List<String> addresses, Function<String, ? extends E> connect,
      RetryPolicy policy) {
    this(endpoints, addresses, connect, policy, SHARED_SCHEDULER);
  }

  LeaderCaller(List<E> endpoints, List<String> addresses, Function<String, ? extends E> connect, RetryPolicy policy,
      ScheduledExecutorService scheduler) {
    if (endpoints.isEmpty() || endpoints.size() != addresses.size()) {
      throw new IllegalArgumentException("need one address per endpoint and at least one endpoint");
    }
    this.servers = new Servers<>(List.copyOf(endpoints), List.copyOf(addresses));
    this.connect = connect;
    this.maxServers = endpoints.size() + MAX_ADDED_SERVERS;
    this.policy = policy;
    this.scheduler = scheduler;
  }

  /**
   * Tries servers until one gives a reply for which {@code retry} returns null, or the deadline
   * passes: then fails with {@link ClusterUnavailableException}. A request a server refuses as
   * one every server would refuse fails at once with {@link RequestRefusedException}.
   *
   * @param retry why a reply does not count (e.g. "ErrWrongLeader") and where to go next, or null if it does
   */
  public <T> CompletableFuture<T> call(Attempt<E, T> attempt, Function<T, Retry> retry, Duration deadline) {
    return call(attempt, retry, System.nanoTime() + deadline.toNanos(), deadline);
  }

  /**
   * As {@link #call(Attempt, Function, Duration)}, with a deadline fixed earlier (e.g. when the
   * request was queued): {@code deadlineNanos} on {@link System#nanoTime}'s clock, and the
   * {@code budget} it was computed from, for the error message.
   */
  public <T> CompletableFuture<T> call(Attempt<E, T> attempt, Function<T, Retry> retry, long deadlineNanos,
      Duration budget) {
    return call(attempt, retry, deadlineNanos, budget, policy.attemptTimeout());
  }

  /**
   * As {@link #call(Attempt, Function, long, Duration)}, waiting up to {@code attemptTimeout} for
   * each server instead of the policy's: for a request the server may hold on purpose (a watch).
   */
  public <T> CompletableFuture<T> call(Attempt<E, T> attempt, Function<T, Retry> retry, long deadlineNanos,
      Duration budget, Duration attemptTimeout) {
    Call<T> call = new Call<>(attempt, retry, deadlineNanos, budget, attemptTimeout);
    call.next(leader.get());
    return call.result;
  }

  /** How this caller retries. */
  public RetryPolicy policy() {
    return policy;
  }

  /** The position of the server believed to lead. */
  public int leaderHint() {
    return leader.get();
  }

  /** Every server's endpoint: the configured ones in order, then those added since. */
  public List<E> endpoints() {
    return servers.endpoints();
  }

  /** Every server's address, in the order of {@link #endpoints()}. */
  public List<String> addresses() {
    return servers.addresses();
  }

  /** The position of the server at {@code address}, added if it is new and may be; -1 if it may not. */
  private int positionOf(String address) {
    int known = servers.indexOf(address);
    if (known >= 0 || connect == null) {
      return known;
    }
    synchronized (this) {
      Servers<E> current = servers;
      known = current.indexOf(address);
      if (known >= 0 || current.addresses().size() >= maxServers) {
        return known;
      }
      servers = current.plus(connect.apply(address), address);
      return current.addresses().size();
    }
  }

  private final class Call<T> {
    final CompletableFuture<T> result = new CompletableFuture<>();
    final Attempt<E, T> attempt;
    final Function<T, Retry> retry;
    final long deadlineNanos;
    final Duration deadline;
    final Duration attemptTimeout;
    /** Each server's last answer, by position. Attempts run one at a time, each after the last settled. */
    final Map<Integer, String> lastAnswers = new HashMap<>();
    /** The caller's gRPC context (its trace): each attempt is sent in it, on whichever thread. */
    final Context context = Context.current();
    boolean connectedOnce;
    int failuresInRound;
    int failedRounds;

    Call(Attempt<E, T> attempt, Function<T, Retry> retry, long deadlineNanos, Duration deadline,
        Duration attemptTimeout) {
      this.attempt = attempt;
      this.retry = retry;
      this.deadlineNanos = deadlineNanos;
      this.deadline = deadline;
      this.attemptTimeout = attemptTimeout;
    }

    void next(int server) {
      long remaining = deadlineNanos - System.nanoTime();
      if (remaining <= 0) {
        result.completeExceptionally(unavailable());
        return;
      }
      Duration timeout = Duration.ofNanos(Math.min(remaining, attemptTimeout.toNanos()));
      CompletableFuture<T> sent;
      Context previous = context.attach();
      try {
        sent = attempt.send(servers.endpoints().get(server), timeout);
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      } finally {
        context.detach(previous);
      }
      sent.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((reply, error) -> {
        try {
          settle(server, timeout, reply, error);
        } catch (RuntimeException e) {
          result.completeExceptionally(e); // never leave the caller (and a Clerk's queue) waiting
        }
      });
    }

    private void settle(int server, Duration timeout, T reply, Throwable error) {
      if (error != null && isFinal(error)) {
        Status refused = ((StatusRuntimeException) AttemptFailure.unwrap(error)).getStatus();
        String description = refused.getDescription() == null ? "" : refused.getDescription() + " ";
        result.completeExceptionally(new RequestRefusedException(refused.getCode().name(),
            description + "(from " + servers.addresses().get(server) + ")"));
        return;
      }
      if (error != null) {
        AttemptFailure failure = AttemptFailure.of(error, timeout);
        connectedOnce |= failure.connected();
        lastAnswers.put(server, failure.text());
        retryAfterPause(server, -1);
        return;
      }
      connectedOnce = true;
      Retry again = retry.apply(reply);
      if (again == null) {
        leader.set(server);
        result.complete(reply);
        return;
      }
      lastAnswers.put(server, again.reason());
      int named = again.namesLeader() ? positionOf(again.leaderAddress()) : -1;
      retryAfterPause(server, named == server ? -1 : named);
    }

    /** @param named the position of the leader the failed server named, or -1 */
    private void retryAfterPause(int failed, int named) {
      int size = servers.addresses().size();
      int nextServer = named >= 0 ? named : (failed + 1) % size;
      // Other calls may have found the leader meanwhile; only move the hint off a server that failed.
      leader.compareAndSet(failed, nextServer);
      long pauseNanos = policy.retryPause().toNanos();
      if (++failuresInRound >= size) {
        failuresInRound = 0;
        failedRounds++;
        long ceiling = Math.min(policy.maxRoundPause().toNanos(), pauseNanos << Math.min(failedRounds, 20));
        pauseNanos = ThreadLocalRandom.current().nextLong(pauseNanos, Math.max(pauseNanos, ceiling) + 1);
      }
      long remaining = deadlineNanos - System.nanoTime();
      scheduler.schedule(() -> next(nextServer), Math.max(0, Math.min(pauseNanos, remaining)), TimeUnit.NANOSECONDS);
    }

    /** Every server once, with its last answer. */
    private ClusterUnavailableException unavailable() {
      List<String> addresses = servers.addresses();
      List<String> tried = new ArrayList<>();
      for (int i = 0; i < addresses.size(); i++) {
        tried.add(addresses.get(i) + " (" + lastAnswers.getOrDefault(i, "not reached") + ")");
      }
      String answers = String.join(", ", tried);
      String format = AttemptFailure.format(deadline);
      return connectedOnce
          ? new ClusterUnavailableException("no server gave a usable answer within " + format + "; tried " + answers,
              true)
          : new ClusterUnavailableException("could not connect to any server (retried for " + format + "): "
              + answers, false);
    }
  }

  /**
   * Errors no other server would answer differently: the request itself is refused (too large for
   * the channel, malformed, a service the server does not have). Retrying them only hides them.
   */
  private static boolean isFinal(Throwable error) {
    return AttemptFailure.unwrap(error) instanceof StatusRuntimeException status
        && FINAL_CODES.contains(status.getStatus().getCode());
  }
}
