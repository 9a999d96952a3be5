package io.eraft.shardkv.client;

import io.eraft.proto.shardkvpb.CommandRequest;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.GetStatusRequest;
import io.eraft.proto.shardkvpb.GetStatusResponse;
import io.eraft.proto.shardkvpb.ShardKVServiceGrpc;
import io.eraft.proto.shardkvpb.ShardOperationRequest;
import io.eraft.proto.shardkvpb.ShardOperationResponse;
import io.eraft.raft.client.Channels;
import io.eraft.raft.rpc.GroupEndpoint;
import io.eraft.raft.rpc.GroupService;
import io.eraft.raft.rpc.ReplicaStatus;
import io.eraft.shardkv.ShardKvService;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** ShardKV servers over plaintext gRPC, one channel per address. Thread-safe; owns its channels. */
public final class GrpcShardKvNetwork implements ShardKvNetwork {
  private final Channels channels = new Channels();

  @Override
  public ShardKvEndpoint endpoint(String address) {
    ManagedChannel channel = channels.channel(address);
    GroupEndpoint<CommandRequest, CommandResponse> group = ShardKvService.GRPC.endpoint(channel);
    return new ShardKvEndpoint() {
      @Override
      public CompletableFuture<CommandResponse> command(CommandRequest request, Duration timeout) {
        return group.command(request, timeout);
      }

      @Override
      public CompletableFuture<ReplicaStatus> status(Duration timeout) {
        return group.status(timeout);
      }

      @Override
      public CompletableFuture<GetStatusResponse> shardStatus(Duration timeout) {
        return GroupService.call(channel, ShardKVServiceGrpc.getGetStatusMethod(), GetStatusRequest.getDefaultInstance(),
            timeout);
      }

      @Override
      public CompletableFuture<ShardOperationResponse> getShardsData(ShardOperationRequest request,
          Duration timeout) {
        return GroupService.call(channel, ShardKVServiceGrpc.getGetShardsDataMethod(), request, timeout);
      }

      @Override
      public CompletableFuture<ShardOperationResponse> deleteShardsData(ShardOperationRequest request,
          Duration timeout) {
        return GroupService.call(channel, ShardKVServiceGrpc.getDeleteShardsDataMethod(), request, timeout);
      }

      @Override
      public String toString() {
        return "ShardKvEndpoint[" + address + "]";
      }
    };
  }

  @Override
  public void closeAllExcept(Set<String> wanted) {
    channels.closeAllExcept(wanted);
  }

  @Override
  public void close() {
    channels.close();
  }
}
