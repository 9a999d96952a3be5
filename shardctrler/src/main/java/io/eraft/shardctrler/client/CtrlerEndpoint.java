package io.eraft.shardctrler.client;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.proto.shardctrlerpb.GetStatusResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** How a client reaches one controller replica: gRPC in production, a simulated link in tests. */
public interface CtrlerEndpoint {
  /** Sends one command; fails if no answer arrives within {@code timeout}. */
  CompletableFuture<CommandResponse> command(CommandRequest request, Duration timeout);

  /** eRaft's GetStatus of this replica. */
  CompletableFuture<GetStatusResponse> status(Duration timeout);
}
