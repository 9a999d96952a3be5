package io.eraft.shardkv.sim;

import io.eraft.proto.shardkvpb.CommandRequest;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.GetStatusResponse;
import io.eraft.proto.shardkvpb.ShardOperationRequest;
import io.eraft.proto.shardkvpb.ShardOperationResponse;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.raft.sim.service.SimClientEnd;
import io.eraft.shardkv.client.ShardKvEndpoint;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A {@link ShardKvEndpoint} over one labrpc end to a simulated ShardKV server. Thread-safe. */
final class SimShardKvEndpoint implements ShardKvEndpoint {
  private final SimClientEnd<SimShardKvServer> end;
  private final String name;

  SimShardKvEndpoint(SimClientEnd<SimShardKvServer> end, String name) {
    this.end = end;
    this.name = name;
  }

  @Override
  public CompletableFuture<CommandResponse> command(CommandRequest request, Duration timeout) {
    return end.call(s -> s.server().command(request), timeout);
  }

  @Override
  public CompletableFuture<ReplicaStatus> status(Duration timeout) {
    return end.call(s -> CompletableFuture.completedFuture(s.server().status()), timeout);
  }

  @Override
  public CompletableFuture<GetStatusResponse> shardStatus(Duration timeout) {
    return end.call(s -> CompletableFuture.completedFuture(s.server().fullStatus()), timeout);
  }

  @Override
  public CompletableFuture<ShardOperationResponse> getShardsData(ShardOperationRequest request, Duration timeout) {
    return end.call(s -> s.server().getShardsData(request), timeout);
  }

  @Override
  public CompletableFuture<ShardOperationResponse> deleteShardsData(ShardOperationRequest request,
      Duration timeout) {
    return end.call(s -> s.server().deleteShardsData(request), timeout);
  }

  @Override
  public String toString() {
    return "SimShardKvEndpoint[" + name + "]";
  }
}
