package io.eraft.kvraft.client;

import io.eraft.proto.kvraftpb.CommandRequest;
import io.eraft.proto.kvraftpb.CommandResponse;
import io.eraft.proto.kvraftpb.GetStatusResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** How a client reaches one KV server: gRPC in production, a simulated link in tests. */
public interface KvEndpoint {
  /** Sends one command; fails if no answer arrives within {@code timeout}. */
  CompletableFuture<CommandResponse> command(CommandRequest request, Duration timeout);

  /** eRaft's GetStatus of this server. */
  CompletableFuture<GetStatusResponse> status(Duration timeout);
}
