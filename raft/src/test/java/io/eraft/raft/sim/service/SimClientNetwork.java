package io.eraft.raft.sim.service;

import io.eraft.raft.sim.NetworkFaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The client half of eRaft's labrpc (ERAFT-SPEC §7.1) for service tests: clients reach the servers
 * in this JVM through {@link SimClientEnd}s, one per client and server, and every call gets
 * labrpc's semantics, decided by {@link NetworkFaults} from a {@link Random} seeded by the test:
 *
 * <ul>
 *   <li>a disabled end, or a server that is not running, fails the call after 0–99 ms;
 *   <li>unreliable: the request waits 0–26 ms, then 10% of requests are dropped before the server
 *       sees them and 10% of replies are dropped after the server executed the request;
 *   <li>a server that is shut down while it handles a call, or an end disabled meanwhile, fails the
 *       call at once, and such a server's reply is never delivered (labrpc's guard against "acked,
 *       but persisted into the superseded persister").
 * </ul>
 *
 * <p>The network does not know what a call asks: each call carries a handler, a function of the
 * server, which the service's endpoint writes ({@code kv -> kv.command(request)}). So one network
 * serves every service, whose request paths share no type. Requests and replies are immutable
 * protobuf messages, so they are handed over without the copy labrpc makes. Replies reach the
 * caller on this network's thread, never on a server's apply thread.
 *
 * <p>Thread-safe; owns its delivery thread, released by {@link #close()}; does not own the servers.
 *
 * @param <S> the servers' request path (e.g. {@code KvServer})
 */
public final class SimClientNetwork<S> implements AutoCloseable {
  private final ScheduledExecutorService executor;
  private final Object lock = new Object();

  // Guarded by lock.
  private final Random random;
  private final NetworkFaults faults = new NetworkFaults();
  /** The running server of each index, or null while it is shut down. */
  private final List<S> servers;
  private final Set<Call<S, ?>> serving = new HashSet<>();
  private boolean closed;

  public SimClientNetwork(int servers, long seed) {
    this.servers = new ArrayList<>(Collections.nCopies(servers, null));
    this.random = new Random(seed);
    faults.setLongDelays(false); // clients must be able to cycle through servers quickly (labrpc, KV tests)
    this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, "sim-client-network");
      t.setDaemon(true);
      return t;
    });
  }

  /** A new end from a client to server {@code server}, disabled until {@link SimClientEnd#setEnabled}. */
  public SimClientEnd<S> end(int server) {
    return new SimClientEnd<>(this, server);
  }

  /** Unreliable: requests are delayed 0–26 ms, 10% of requests and 10% of replies are dropped. */
  public void setReliable(boolean reliable) {
    synchronized (lock) {
      faults.setReliable(reliable);
    }
  }

  /** Server {@code index} starts answering calls (labrpc's {@code AddServer}). */
  public void addServer(int index, S server) {
    synchronized (lock) {
      servers.set(index, server);
    }
  }

  /** Server {@code index} is gone: calls it is handling fail now and its replies are never delivered. */
  public void deleteServer(int index) {
    synchronized (lock) {
      servers.set(index, null);
      abandonLocked();
    }
  }

  /** labrpc's {@code Enable}; disabling fails the calls the end has at a server. */
  void enable(SimClientEnd<S> end, boolean enabled) {
    synchronized (lock) {
      end.enabled = enabled;
      abandonLocked();
    }
  }

  /** See {@link SimClientEnd#call}. */
  <T> CompletableFuture<T> call(SimClientEnd<S> end, Function<S, CompletableFuture<T>> handler, Duration timeout) {
    Call<S, T> call = new Call<>(end);
    synchronized (lock) {
      S server = reachableLocked(end);
      if (closed) {
        call.result.completeExceptionally(new SimCallFailure("the client network is closed"));
      } else if (server == null) {
        failLaterLocked(call, faults.failureDelayMs(random), "server " + end.server() + " cannot be reached");
      } else {
        long delayMs = faults.requestDelayMs(random);
        if (faults.dropRequest(random)) {
          failLaterLocked(call, delayMs, "request to server " + end.server() + " dropped");
        } else {
          scheduleLocked(delayMs, () -> deliver(call, server, handler));
        }
      }
    }
    return call.result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The request arrives: the server handles it if it is still the one the call was sent to. */
  private <T> void deliver(Call<S, T> call, S server, Function<S, CompletableFuture<T>> handler) {
    synchronized (lock) {
      if (servers.get(call.end.server()) != server) {
        call.result.completeExceptionally(new SimCallFailure("server " + call.end.server() + " was shut down"));
        return;
      }
      serving.add(call);
    }
    CompletableFuture<T> reply;
    try {
      reply = handler.apply(server);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((value, error) -> answered(call, server, value, error));
  }

  /** The server answered: the reply travels back unless the server died, the end closed, or it is lost. */
  private <T> void answered(Call<S, T> call, S server, T value, Throwable error) {
    synchronized (lock) {
      if (!serving.remove(call)) {
        return; // abandoned when its server went down or its end was disabled
      }
      if (error != null) {
        failLaterLocked(call, 0, "server " + call.end.server() + " gave no reply: " + error);
      } else if (servers.get(call.end.server()) != server || !call.end.enabled || faults.dropReply(random)) {
        failLaterLocked(call, 0, "reply from server " + call.end.server() + " lost");
      } else {
        scheduleLocked(0, () -> call.result.complete(value));
      }
    }
  }

  private S reachableLocked(SimClientEnd<S> end) {
    return end.enabled ? servers.get(end.server()) : null;
  }

  /** Calls whose server went down or whose end was disabled fail now (labrpc checks every 100 ms). */
  private void abandonLocked() {
    for (Call<S, ?> c : List.copyOf(serving)) {
      if (reachableLocked(c.end) == null) {
        serving.remove(c);
        failLaterLocked(c, 0, "server " + c.end.server() + " went down or the end was disabled");
      }
    }
  }

  private void failLaterLocked(Call<S, ?> call, long delayMs, String reason) {
    scheduleLocked(delayMs, () -> call.result.completeExceptionally(new SimCallFailure(reason)));
  }

  private void scheduleLocked(long delayMs, Runnable task) {
    try {
      executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed: close() failed every call being served; the others time out at their callers
    }
  }

  /** Stops delivering; calls still at a server fail. Idempotent. */
  @Override
  public void close() {
    List<Call<S, ?>> abandoned;
    synchronized (lock) {
      closed = true;
      abandoned = new ArrayList<>(serving);
      serving.clear();
    }
    executor.shutdownNow();
    abandoned.forEach(c -> c.result.completeExceptionally(new SimCallFailure("the client network is closed")));
  }

  /** One call in flight; {@code result} completes once, on this network's thread. */
  private static final class Call<S, T> {
    final SimClientEnd<S> end;
    final CompletableFuture<T> result = new CompletableFuture<>();

    Call(SimClientEnd<S> end) {
      this.end = end;
    }
  }
}
