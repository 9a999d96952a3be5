package io.eraft.shardkv.sim;

import io.eraft.proto.shardkvpb.CommandRequest;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.GetStatusResponse;
import io.eraft.proto.shardkvpb.ShardOperationRequest;
import io.eraft.proto.shardkvpb.ShardOperationResponse;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.raft.sim.service.SimCallFailure;
import io.eraft.raft.sim.service.SimClientEnd;
import io.eraft.shardkv.client.ShardKvEndpoint;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A {@link ShardKvEndpoint} over one labrpc end to a simulated ShardKV server; while {@code cut}
 * holds, every call fails as a lost request would. Thread-safe.
 */
final class SimShardKvEndpoint implements ShardKvEndpoint {
  private final SimClientEnd<SimShardKvServer> end;
  private final String name;
  private final BooleanSupplier cut;

  SimShardKvEndpoint(SimClientEnd<SimShardKvServer> end, String name, BooleanSupplier cut) {
    this.end = end;
    this.name = name;
    this.cut = cut;
  }

  private <T> CompletableFuture<T> call(Function<SimShardKvServer, CompletableFuture<T>> handler, Duration timeout) {
    if (cut.getAsBoolean()) {
      return CompletableFuture.failedFuture(new SimCallFailure("the test cut the caller's group from " + name));
    }
    return end.call(handler, timeout);
  }

  @Override
  public CompletableFuture<CommandResponse> command(CommandRequest request, Duration timeout) {
    return call(s -> s.server().command(request), timeout);
  }

  @Override
  public CompletableFuture<ReplicaStatus> status(Duration timeout) {
    return call(s -> CompletableFuture.completedFuture(s.server().status()), timeout);
  }

  @Override
  public CompletableFuture<GetStatusResponse> shardStatus(Duration timeout) {
    return call(s -> CompletableFuture.completedFuture(s.server().fullStatus()), timeout);
  }

  @Override
  public CompletableFuture<ShardOperationResponse> getShardsData(ShardOperationRequest request, Duration timeout) {
    return call(s -> s.server().getShardsData(request), timeout);
  }

  @Override
  public CompletableFuture<ShardOperationResponse> deleteShardsData(ShardOperationRequest request,
      Duration timeout) {
    return call(s -> s.server().deleteShardsData(request), timeout);
  }

  @Override
  public String toString() {
    return "SimShardKvEndpoint[" + name + "]";
  }
}
