package io.eraft.raft.rpc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * How a client reaches one server of a Raft group: gRPC in production ({@code GroupService}), a
 * simulated link in tests. Implementations are thread-safe and never block; their futures
 * complete on a network thread.
 *
 * @param <Q> the service's command request
 * @param <P> the service's command reply
 */
public interface GroupEndpoint<Q, P> {
  /** Sends one command; fails if no answer arrives within {@code timeout}. */
  CompletableFuture<P> command(Q request, Duration timeout);

  /** eRaft's GetStatus of this server. */
  CompletableFuture<ReplicaStatus> status(Duration timeout);
}
