package io.eraft.raft.sim.service;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One labrpc end from one client to one server of a {@link SimClientNetwork}: what a service's
 * simulated {@code GroupEndpoint} (a KV one, a controller one) sends its calls through. It
 * starts disabled, as labrpc's {@code MakeEnd}; a client gets its own ends so that a test can
 * connect it to some servers only, whatever the servers' own partition. Thread-safe.
 *
 * @param <S> the servers' request path (e.g. {@code KvServer}), which the calls run against
 */
public final class SimClientEnd<S> {
  private final SimClientNetwork<S> network;
  private final int server;
  /** Guarded by the network's lock. */
  boolean enabled;

  SimClientEnd(SimClientNetwork<S> network, int server) {
    this.network = network;
    this.server = server;
  }

  /** The index of the server this end leads to. */
  public int server() {
    return server;
  }

  /**
   * labrpc's {@code Enable}: a disabled end fails every call after a short delay, and disabling it
   * fails the calls it has at a server.
   */
  public void setEnabled(boolean enabled) {
    network.enable(this, enabled);
  }

  /**
   * One call: {@code handler} runs against the server this end leads to, unless the network loses
   * the request; its outcome travels back unless the network loses it. The handler must not block
   * (it runs on the network's thread); if its future fails — a {@link SimCallFailure} thrown to
   * lose a chosen reply, say — the caller gets no reply. Fails with {@link SimCallFailure} if the
   * network loses the call, and with a {@link java.util.concurrent.TimeoutException} after
   * {@code timeout} if nothing came back.
   */
  public <T> CompletableFuture<T> call(Function<S, CompletableFuture<T>> handler, Duration timeout) {
    return network.call(this, handler, timeout);
  }

  @Override
  public String toString() {
    return "SimClientEnd[server " + server + "]";
  }
}
