package io.eraft.shardkv.client;

import io.eraft.proto.shardkvpb.CommandRequest;
import io.eraft.proto.shardkvpb.CommandResponse;
import io.eraft.proto.shardkvpb.GetStatusResponse;
import io.eraft.proto.shardkvpb.ShardOperationRequest;
import io.eraft.proto.shardkvpb.ShardOperationResponse;
import io.eraft.raft.rpc.GroupEndpoint;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * How clients and other groups reach one ShardKV server: gRPC in production, a simulated link in
 * tests. Thread-safe; never blocks; futures complete on a network thread.
 */
public interface ShardKvEndpoint extends GroupEndpoint<CommandRequest, CommandResponse> {
  /** A page of shards' data from their old holder (eRaft's GetShardsData). */
  CompletableFuture<ShardOperationResponse> getShardsData(ShardOperationRequest request, Duration timeout);

  /** eRaft's whole ShardKV GetStatus: the replica, its gid and the shards whose data it holds. */
  CompletableFuture<GetStatusResponse> shardStatus(Duration timeout);

  /** Tells the old holder to delete shards the caller now serves (eRaft's DeleteShardsData). */
  CompletableFuture<ShardOperationResponse> deleteShardsData(ShardOperationRequest request, Duration timeout);
}
