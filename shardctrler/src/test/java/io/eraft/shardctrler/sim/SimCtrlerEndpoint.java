package io.eraft.shardctrler.sim;

import io.eraft.proto.shardctrlerpb.CommandRequest;
import io.eraft.proto.shardctrlerpb.CommandResponse;
import io.eraft.raft.rpc.GroupEndpoint;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.raft.sim.service.SimClientEnd;
import io.eraft.shardctrler.server.CtrlerServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link GroupEndpoint} a {@code CtrlerClient} uses in simulated tests: one labrpc end from a
 * clerk to one {@link CtrlerServer} in this JVM, with the network's delays, losses and failures.
 * Thread-safe.
 */
final class SimCtrlerEndpoint implements GroupEndpoint<CommandRequest, CommandResponse> {
  private final SimClientEnd<CtrlerServer> end;

  SimCtrlerEndpoint(SimClientEnd<CtrlerServer> end) {
    this.end = end;
  }

  @Override
  public CompletableFuture<CommandResponse> command(CommandRequest request, Duration timeout) {
    return end.call(ctrler -> ctrler.command(request), timeout);
  }

  @Override
  public CompletableFuture<ReplicaStatus> status(Duration timeout) {
    return end.call(ctrler -> CompletableFuture.completedFuture(ctrler.status()), timeout);
  }

  @Override
  public String toString() {
    return "SimCtrlerEndpoint[server " + end.server() + "]";
  }
}
